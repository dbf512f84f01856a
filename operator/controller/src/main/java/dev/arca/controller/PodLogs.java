package dev.arca.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The end of a Job pod's log, where the CLI's progress lines and its result line are. */
final class PodLogs {
  private PodLogs() {}

  /**
   * The last {@code lines} lines of {@code pod}'s log, at most {@code maxBytes} of them (a pod can
   * write lines of any length: the operator reads no more than it needs), or null when it cannot be
   * read. One GET of the pod's {@code log} subresource: fabric8's {@code getLog()} first waits for
   * the pod to be ready or terminated, through a watch of the pod that the operator's RBAC does not
   * grant (and need not: the callers read the logs of pods they already see ended or running).
   */
  static String tail(KubernetesClient client, Pod pod, int lines, int maxBytes) {
    String base = client.getMasterUrl().toString();
    String url =
        (base.endsWith("/") ? base : base + "/")
            + "api/v1/namespaces/"
            + pod.getMetadata().getNamespace()
            + "/pods/"
            + pod.getMetadata().getName()
            + "/log?pretty=false&tailLines="
            + lines
            + "&limitBytes="
            + maxBytes;
    try {
      return client.raw(url);
    } catch (KubernetesClientException e) {
      return null; // no log yet, or gone: the callers say what that means for them
    }
  }
}
