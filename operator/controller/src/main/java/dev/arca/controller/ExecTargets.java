package dev.arca.controller;

import dev.arca.api.v1alpha1.PodCommand;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The pod a dump source or restore pipe runs its command in, resolved when its Job is created: the
 * Job may exec into that pod alone (ExecGrants), so it is named, not searched for, by the Job.
 */
public final class ExecTargets {
  private ExecTargets() {}

  /**
   * The named pod, or the first running and ready pod (by name) with the command's labels in {@code
   * namespace}; null when none is.
   */
  public static String pod(KubernetesClient client, String namespace, PodCommand c) {
    if (c.pod != null) {
      return c.pod;
    }
    return ready(client, namespace, c.podSelector).stream().findFirst().orElse(null);
  }

  /** The running and ready pods with {@code labels} in {@code namespace}, by name. */
  public static List<String> ready(
      KubernetesClient client, String namespace, Map<String, String> labels) {
    return client.pods().inNamespace(namespace).withLabels(labels).list().getItems().stream()
        .filter(ExecTargets::ready)
        .map(p -> p.getMetadata().getName())
        .sorted(Comparator.naturalOrder())
        .toList();
  }

  /** What to say when {@link #pod} found none. */
  public static String noPod(String field, String namespace, PodCommand c) {
    return field
        + ".podSelector: no running and ready pod in namespace "
        + namespace
        + " has the labels "
        + new java.util.TreeMap<>(c.podSelector);
  }

  private static boolean ready(Pod p) {
    return p.getStatus() != null
        && "Running".equals(p.getStatus().getPhase())
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()));
  }
}
