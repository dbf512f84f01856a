package dev.arca.controller;

import dev.arca.contract.BackupReport;
import dev.arca.contract.Received;
import dev.arca.contract.RestoreReport;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * How a Job ended: from its status (Complete or Failed, with the reason) and the report the arca
 * CLI left in its container's termination message (completed from the pod's log when it was cut,
 * see {@link JobResults}); or, while it runs, what its pod does.
 *
 * @param finished whether the Job has ended (or was given up because its pod cannot start)
 * @param succeeded whether it ended well
 * @param reason a CamelCase reason (Completed, BackupFailed or RestoreFailed and so on for the
 *     Job's kind, DeadlineExceeded, PodCannotStart, ...)
 * @param message what happened, from the report's error or the Job's condition
 * @param result the CLI's report ({@code dev.arca.contract}), or null if none could be read
 * @param pod while the Job runs, its newest pod; null once it ended
 */
public record JobOutcome(
    boolean finished,
    boolean succeeded,
    String reason,
    String message,
    Received result,
    JobPod pod) {

  /** The reason of a run whose pod could not start (and whose Job was deleted). */
  public static final String POD_CANNOT_START = Reasons.POD_CANNOT_START;

  /**
   * Observes an active Job of {@code kind}: its outcome when it ended; while it runs, its pod; and
   * when the pod cannot start (see {@link JobPod#cannotStart}), a failed outcome, after deleting
   * the Job so that its pod stops retrying and the next run can start.
   */
  public static JobOutcome observe(
      KubernetesClient client, Job job, RunKind kind, Instant now, Duration startTimeout) {
    JobOutcome o = of(job, client, kind);
    if (o.finished()) {
      return o;
    }
    JobPod pod = JobPod.of(client, job);
    String why = pod.cannotStart(client, now, startTimeout);
    if (why == null) {
      return new JobOutcome(false, false, null, null, null, pod);
    }
    return giveUp(client, job, POD_CANNOT_START, why);
  }

  /**
   * A failed outcome with {@code reason}, after deleting {@code job} (its pod stops, and the next
   * run can start); {@code why} says what went wrong.
   */
  public static JobOutcome giveUp(KubernetesClient client, Job job, String reason, String why) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
    return new JobOutcome(
        true,
        false,
        reason,
        why + " (Job " + job.getMetadata().getName() + " deleted; fix the cause and run again)",
        null,
        null);
  }

  /** Whether the Job controller says {@code job} ended (Complete or Failed). */
  public static boolean ended(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  /** The outcome of a Job of {@code kind} from its status alone. */
  public static JobOutcome of(Job job, KubernetesClient client, RunKind kind) {
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
    Received result = result(job, client);
    String oom = failed == null ? null : oomKilled(job, client);
    if (oom != null) {
      return new JobOutcome(true, false, Reasons.OOM_KILLED, oom, result, null);
    }
    if (failed == null) {
      return new JobOutcome(
          true, true, Reasons.COMPLETED, kind.label() + " completed", result, null);
    }
    String named = namedFailures(result);
    String message =
        result != null && result.error() != null
            ? result.error()
            : named != null ? named : failed.getReason() + ": " + failed.getMessage();
    String reason =
        Reasons.DEADLINE_EXCEEDED.equals(failed.getReason())
            ? Reasons.DEADLINE_EXCEEDED
            : kind.failedReason();
    return new JobOutcome(true, false, reason, message, result, null);
  }

  /** How many paths a failure message names at most. */
  static final int PATHS_SHOWN = 5;

  /**
   * What to say when the CLI's report names the paths that failed (a backup that saved a snapshot
   * without those it could not read, a restore that could not write some entries; the CLI then
   * exits non-zero): the first of them; null when the report names none.
   */
  static String namedFailures(Received result) {
    BackupReport b = result == null ? null : result.as(BackupReport.class);
    if (b != null && b.unreadable() != null && !b.unreadable().isEmpty()) {
      String id = b.snapshotId() == null ? "?" : b.snapshotId();
      return b.unreadable().size()
          + " path(s) could not be read and are not in snapshot "
          + id.substring(0, Math.min(12, id.length()))
          + ": "
          + first(b.unreadable())
          + " (the Jobs read as the user of jobs.runAsRoot / spec.job.podSecurityContext: give it"
          + " read access, e.g. a supplemental group that may read them)";
    }
    RestoreReport r = result == null ? null : result.as(RestoreReport.class);
    if (r != null && r.failures() != null && !r.failures().isEmpty()) {
      return r.failures().size() + " entr(ies) could not be restored: " + first(r.failures());
    }
    return null;
  }

  private static String first(List<String> paths) {
    int more = paths.size() - PATHS_SHOWN;
    return String.join("; ", paths.subList(0, Math.min(paths.size(), PATHS_SHOWN)))
        + (more > 0 ? "; and " + more + " more" : "");
  }

  /**
   * What to say when a container of the Job's pods was killed for exceeding its memory limit, or
   * null when none was.
   */
  private static String oomKilled(Job job, KubernetesClient client) {
    for (Pod p : JobLookup.pods(client, job)) {
      if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
        continue;
      }
      for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
        if (oom(cs.getState()) || oom(cs.getLastState())) {
          return "container "
              + cs.getName()
              + " of pod "
              + p.getMetadata().getName()
              + " was killed for exceeding its memory limit (OOMKilled"
              + limit(p, cs.getName())
              + "): raise spec.job.resources.limits.memory (the Java heap is sized from it)";
        }
      }
    }
    return null;
  }

  private static boolean oom(io.fabric8.kubernetes.api.model.ContainerState s) {
    return s != null
        && s.getTerminated() != null
        && Reasons.OOM_KILLED.equals(s.getTerminated().getReason());
  }

  private static String limit(Pod p, String container) {
    return p.getSpec() == null
        ? ""
        : p.getSpec().getContainers().stream()
            .filter(c -> container.equals(c.getName()))
            .map(c -> c.getResources() == null ? null : c.getResources().getLimits())
            .filter(l -> l != null && l.get("memory") != null)
            .map(l -> ", limit " + l.get("memory"))
            .findFirst()
            .orElse("");
  }

  private static JobOutcome running() {
    return new JobOutcome(false, false, null, null, null, null);
  }

  /**
   * The report the newest pod that left a termination message gave, complete ({@link JobResults});
   * null when none did.
   */
  private static Received result(Job job, KubernetesClient client) {
    return JobLookup.pods(client, job).stream()
        .sorted(
            Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
                .reversed())
        .filter(p -> message(p) != null)
        .findFirst()
        .map(p -> JobResults.complete(client, p, message(p)))
        .orElse(null);
  }

  private static Received message(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
      var t = cs.getState() == null ? null : cs.getState().getTerminated();
      if (t != null && t.getMessage() != null) {
        return Received.parse(t.getMessage());
      }
    }
    return null;
  }
}
