package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestStatus;
import dev.arca.api.v1alpha1.RestoreRequestStatus.Phase;
import dev.arca.contract.RestoreReport;
import dev.arca.controller.Conditions;
import dev.arca.controller.Events;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.JobPod;
import dev.arca.controller.ProgressReader;
import dev.arca.controller.ProgressWatch;
import dev.arca.controller.Reasons;
import dev.arca.controller.RunKind;
import dev.arca.controller.Sizes;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Records what a RestoreRequest's Job does: its phase and progress while it runs, and how it ended
 * (the counts of its report, the Complete condition, an Event, the run metric).
 */
final class RestoreRecorder {
  private final KubernetesClient client;
  private final Events events;
  private final ArcaMetrics metrics;

  RestoreRecorder(KubernetesClient client, Events events, ArcaMetrics metrics) {
    this.client = client;
    this.events = events;
    this.metrics = metrics;
  }

  /** Pending until the Job's pod runs, then Running with the progress its log shows. */
  void running(RestoreRequestStatus st, JobPod pod, Instant now) {
    if (!pod.running()) {
      st.phase = Phase.Pending;
      st.message =
          "Job "
              + st.jobName
              + " is waiting to start: "
              + (pod.pod() == null
                  ? "its pod has not been created yet"
                  : pod.waiting() == null ? "its pod is pending" : pod.waiting());
      return;
    }
    st.phase = Phase.Running;
    // what the Ready condition says the request resolved to: "restoring ... into PVC ..."
    st.message =
        st.conditions.stream()
            .filter(c -> Conditions.READY.equals(c.getType()))
            .map(c -> c.getMessage())
            .findFirst()
            .orElse(st.message);
    var progress = ProgressReader.read(client, pod.pod(), now);
    if (progress != null) {
      st.progress = ProgressWatch.advance(st.progress, progress, now);
    }
  }

  /** Records how the Job ended: counts, phase, the Complete condition, an Event, the metric. */
  void finish(RestoreRequest r, RestoreRequestStatus st, Job job, JobOutcome o, Instant now) {
    RestoreReport report = o.result() == null ? null : o.result().as(RestoreReport.class);
    counts(st, report);
    st.completionTime = now.toString();
    st.progress = null;
    metrics.run(
        r.getMetadata().getNamespace(),
        r.getMetadata().getName(),
        RunKind.RESTORE.label(),
        o.succeeded(),
        st.startTime == null ? null : Duration.between(Instant.parse(st.startTime), now));
    if (!o.succeeded()) {
      st.phase = Phase.Failed;
      st.message = o.message();
      Conditions.set(
          st.conditions, Conditions.COMPLETE, true, o.reason(), o.message(), gen(r), now);
      events.warning(
          r,
          o.reason(),
          job == null
              ? o.message()
              : "restore Job " + job.getMetadata().getName() + " failed: " + o.message(),
          now);
      return;
    }
    st.phase = Phase.Succeeded;
    st.message = RestoreMessages.succeeded(r, st, report);
    if (st.checkpointsRejected != null) {
      events.warning(r, Reasons.CHECKPOINTS_REJECTED, RestoreMessages.rejected(st), now);
    }
    boolean kept = st.kept != null && st.kept > 0;
    String reason = kept ? Reasons.KEPT_DIFFERENT_FILES : Reasons.SUCCEEDED;
    Conditions.set(st.conditions, Conditions.COMPLETE, true, reason, st.message, gen(r), now);
    if (kept) {
      events.warning(r, reason, st.message, now);
    } else {
      events.normal(r, Reasons.RESTORE_SUCCEEDED, st.message, now);
    }
  }

  /** The restore's counts from the CLI's report, when it left one. */
  private static void counts(RestoreRequestStatus st, RestoreReport s) {
    if (s == null) {
      return;
    }
    st.snapshotId = s.snapshotId() != null ? s.snapshotId() : st.snapshotId;
    st.files = s.files();
    st.written = s.written();
    st.unchanged = s.unchanged();
    st.kept = s.kept();
    st.bytes = s.bytes();
    st.size = Sizes.of(st.bytes);
    if (s.keptPaths() != null && !s.keptPaths().isEmpty()) {
      st.keptFiles = List.copyOf(s.keptPaths());
    }
    if (s.checkpoint() != null) {
      st.checkpoint =
          new dev.arca.api.v1alpha1.SnapshotSpec.CheckpointRef(
              s.checkpoint().path(), s.checkpoint().step());
    }
    if (s.checkpointsRejected() != null && !s.checkpointsRejected().isEmpty()) {
      st.checkpointsRejected =
          s.checkpointsRejected().stream()
              .limit(RestoreRequestStatus.REJECTED_LISTED)
              .map(RestoreRecorder::rejected)
              .toList();
    }
  }

  private static RestoreRequestStatus.RejectedCheckpoint rejected(
      RestoreReport.RejectedCheckpoint c) {
    RestoreRequestStatus.RejectedCheckpoint out = new RestoreRequestStatus.RejectedCheckpoint();
    out.path = c.path();
    out.step = c.step();
    out.snapshotId = c.snapshotId();
    out.reason = c.reason();
    return out;
  }

  /**
   * A request that ended without a result of its own Job (refused before it started, or whose
   * targets' requests did not all succeed): Failed, with the reason as its Ready condition and a
   * Warning Event.
   */
  static void refused(
      RestoreRequest r,
      RestoreRequestStatus st,
      String reason,
      String message,
      Events events,
      Instant now) {
    st.phase = Phase.Failed;
    st.message = message;
    st.completionTime = now.toString();
    Conditions.set(st.conditions, Conditions.READY, false, reason, message, gen(r), now);
    events.warning(r, reason, message, now);
  }

  static long gen(RestoreRequest r) {
    return r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
  }
}
