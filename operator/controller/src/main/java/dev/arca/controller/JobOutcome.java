package dev.arca.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;

/**
 * How a Job ended: from its status (Complete or Failed, with the reason) and the JSON summary the
 * arca CLI left in its container's termination message.
 *
 * @param finished whether the Job has ended
 * @param succeeded whether it ended well
 * @param reason a CamelCase reason (Completed, BackupFailed, DeadlineExceeded, ...)
 * @param message what happened, from the summary's error or the Job's condition
 * @param summary the CLI's JSON result, or null if none could be read
 */
public record JobOutcome(
    boolean finished, boolean succeeded, String reason, String message, JsonNode summary) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static JobOutcome of(Job job, KubernetesClient client) {
    return of(job, client, "backup");
  }

  /** The outcome of a Job of {@code kind} (backup, restore, ...). */
  public static JobOutcome of(Job job, KubernetesClient client, String kind) {
    var status = job.getStatus();
    if (status == null) {
      return running();
    }
    List<JobCondition> conditions =
        status.getConditions() == null ? List.of() : status.getConditions();
    boolean complete =
        conditions.stream()
            .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
    JobCondition failed =
        conditions.stream()
            .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
            .findFirst()
            .orElse(null);
    boolean succeededCount = status.getSucceeded() != null && status.getSucceeded() > 0;
    if (!complete && failed == null && !succeededCount) {
      return running();
    }
    JsonNode summary = summary(job, client);
    if (failed == null) {
      return new JobOutcome(true, true, "Completed", kind + " completed", summary);
    }
    String message =
        summary != null && summary.hasNonNull("error")
            ? summary.get("error").asText()
            : failed.getReason() + ": " + failed.getMessage();
    String reason =
        "DeadlineExceeded".equals(failed.getReason()) ? "DeadlineExceeded" : "BackupFailed";
    return new JobOutcome(true, false, reason, message, summary);
  }

  private static JobOutcome running() {
    return new JobOutcome(false, false, null, null, null);
  }

  /** The newest pod's termination message, parsed; null when there is none. */
  private static JsonNode summary(Job job, KubernetesClient client) {
    List<Pod> pods =
        client
            .pods()
            .inNamespace(job.getMetadata().getNamespace())
            .withLabel("job-name", job.getMetadata().getName())
            .list()
            .getItems();
    return pods.stream()
        .max(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp())))
        .map(JobOutcome::message)
        .orElse(null);
  }

  private static JsonNode message(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
      var t = cs.getState() == null ? null : cs.getState().getTerminated();
      if (t != null && t.getMessage() != null) {
        try {
          return JSON.readTree(t.getMessage());
        } catch (java.io.IOException notJson) {
          return JSON.createObjectNode().put("error", t.getMessage().strip());
        }
      }
    }
    return null;
  }
}
