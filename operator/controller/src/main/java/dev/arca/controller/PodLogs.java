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
   * read.
   */
  static String tail(KubernetesClient client, Pod pod, int lines, int maxBytes) {
    try {
      return client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .limitBytes(maxBytes)
          .tailingLines(lines)
          .getLog();
    } catch (KubernetesClientException e) {
      return null; // no log yet, or gone: the callers say what that means for them
    }
  }
}
