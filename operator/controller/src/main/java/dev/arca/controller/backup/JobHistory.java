package dev.arca.controller.backup;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;

/** Keeps the newest finished Jobs of a policy (per the history limits) and deletes the rest. */
final class JobHistory {
  static final int DEFAULT_LIMIT = 3;

  private JobHistory() {}

  /** Deletes finished Jobs beyond the limits, oldest first; running Jobs are never touched. */
  static void trim(
      KubernetesClient client, List<Job> jobs, Integer successLimit, Integer failureLimit) {
    trim(client, jobs.stream().filter(j -> ended(j, "Complete")).toList(), limit(successLimit));
    trim(client, jobs.stream().filter(j -> ended(j, "Failed")).toList(), limit(failureLimit));
  }

  private static void trim(KubernetesClient client, List<Job> finished, int keep) {
    List<Job> oldestFirst =
        finished.stream()
            .sorted(
                Comparator.comparing(
                        (Job j) -> String.valueOf(j.getMetadata().getCreationTimestamp()))
                    .thenComparing(j -> j.getMetadata().getName()))
            .toList();
    for (int i = 0; i < oldestFirst.size() - keep; i++) {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(oldestFirst.get(i).getMetadata().getNamespace())
          .withName(oldestFirst.get(i).getMetadata().getName())
          .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
          .delete();
    }
  }

  private static int limit(Integer l) {
    return l == null ? DEFAULT_LIMIT : Math.max(0, l);
  }

  private static boolean ended(Job j, String type) {
    return j.getStatus() != null
        && j.getStatus().getConditions() != null
        && j.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
