package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.contract.ForgetReport;
import dev.arca.contract.PruneReport;
import dev.arca.contract.VerifyReport;
import dev.arca.controller.Events;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.Reasons;
import dev.arca.controller.RunKind;
import dev.arca.controller.jobs.MaintenanceJobs;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Turns a finished maintenance Job into its effects: forget removes the Snapshot objects of the
 * forgotten snapshots, prune reports what it freed, verify fills status.lastVerification, copy
 * fills the target's entry of status.copies. The forget and prune Jobs of a copyTo target only
 * report: the Snapshot objects are the policy's own repository's.
 */
final class MaintenanceRecorder {
  private final KubernetesClient client;
  private final Events events;
  private final ArcaMetrics metrics;

  MaintenanceRecorder(KubernetesClient client, Events events, ArcaMetrics metrics) {
    this.client = client;
    this.events = events;
    this.metrics = metrics;
  }

  void record(
      BackupPolicy p, BackupPolicyStatus st, Job job, RunKind kind, JobOutcome o, Instant now) {
    String ns = p.getMetadata().getNamespace();
    String policy = p.getMetadata().getName();
    metrics.run(ns, policy, kind.label(), o.succeeded(), BackupRecorder.duration(job, now));
    String target = MaintenanceJobs.targetOf(job);
    if (kind == RunKind.COPY) {
      new CopyRecorder(events).record(p, st, job, target, o, now);
      return;
    }
    if (target != null) {
      targetMaintenance(p, job, kind, target, o, now);
      return;
    }
    switch (kind) {
      case PRUNE -> prune(p, job, o, now);
      case VERIFY -> verify(p, st, job, o, now);
      default -> forget(p, job, o, now);
    }
  }

  /** A copyTo target's forget or prune ended: Events only. */
  private void targetMaintenance(
      BackupPolicy p, Job job, RunKind kind, String target, JobOutcome o, Instant now) {
    String name = job.getMetadata().getName();
    if (!o.succeeded()) {
      events.warning(
          p,
          kind.failedReason(),
          kind.label() + " Job " + name + " of copyTo target " + target + " failed: " + o.message(),
          now);
      return;
    }
    if (kind == RunKind.FORGET) {
      ForgetReport f = o.result() == null ? null : o.result().as(ForgetReport.class);
      Integer n = f == null ? null : f.removedTotal();
      events.normal(
          p,
          Reasons.RETENTION_APPLIED,
          "copyTo target " + target + ": forgot " + (n == null ? "its" : n) + " snapshots",
          now);
    } else {
      PruneReport r = o.result() == null ? null : o.result().as(PruneReport.class);
      events.normal(
          p,
          Reasons.PRUNE_SUCCEEDED,
          "copyTo target "
              + target
              + ": "
              + (r == null ? "prune completed" : "deleted " + r.deletedPacks() + " packs"),
          now);
    }
  }

  private void prune(BackupPolicy p, Job job, JobOutcome o, Instant now) {
    if (!o.succeeded()) {
      events.warning(
          p,
          Reasons.PRUNE_FAILED,
          "prune Job " + job.getMetadata().getName() + " failed: " + o.message(),
          now);
      return;
    }
    PruneReport s = o.result() == null ? null : o.result().as(PruneReport.class);
    events.normal(
        p,
        Reasons.PRUNE_SUCCEEDED,
        s == null
            ? "prune completed"
            : "deleted "
                + s.deletedPacks()
                + " packs ("
                + s.reclaimedBytes()
                + " bytes), marked "
                + s.markedPacks()
                + " for deletion after the grace period"
                + (s.lockedUntil() == null
                    ? ""
                    : "; the bucket keeps the deleted ones locked until " + s.lockedUntil()),
        now);
  }

  private void verify(BackupPolicy p, BackupPolicyStatus st, Job job, JobOutcome o, Instant now) {
    VerifyReport s = o.result() == null ? null : o.result().as(VerifyReport.class);
    BackupPolicyStatus.Verification v = new BackupPolicyStatus.Verification();
    v.time = now.toString();
    v.job = job.getMetadata().getName();
    v.ok = o.succeeded() && (s == null || s.ok());
    v.damagedObjects = s == null ? null : s.damagedTotal(); // a cut report's count if need be
    st.lastVerification = v;
    if (Boolean.TRUE.equals(v.ok)) {
      events.normal(p, Reasons.VERIFY_SUCCEEDED, "no damage found", now);
    } else if (v.damagedObjects != null && v.damagedObjects > 0) {
      events.warning(
          p,
          Reasons.DAMAGE_FOUND,
          "verify found " + v.damagedObjects + " damaged objects; see Job " + v.job,
          now);
    } else {
      events.warning(
          p, Reasons.VERIFY_FAILED, "verify Job " + v.job + " failed: " + o.message(), now);
    }
  }

  private void forget(BackupPolicy p, Job job, JobOutcome o, Instant now) {
    String ns = p.getMetadata().getNamespace();
    String policy = p.getMetadata().getName();
    if (!o.succeeded()) {
      events.warning(
          p,
          Reasons.RETENTION_FAILED,
          "forget Job " + job.getMetadata().getName() + " failed: " + o.message(),
          now);
      return;
    }
    Set<String> removed = new HashSet<>();
    ForgetReport f = o.result() == null ? null : o.result().as(ForgetReport.class);
    if (f != null && f.removed() != null) {
      f.removed().forEach(r -> removed.add(r.id()));
    } else if (f != null && o.result().isUnavailable()) {
      events.warning(
          p,
          Reasons.RETENTION_RESULT_INCOMPLETE,
          "forget Job "
              + job.getMetadata().getName()
              + " removed "
              + f.removedTotal()
              + " snapshots, but its complete result is no longer in its pod's log: their"
              + " Snapshot objects stay until deleted by hand (arca snapshots lists what is left)",
          now);
    }
    int deleted = 0;
    for (Snapshot s : client.resources(Snapshot.class).inNamespace(ns).list().getItems()) {
      if (s.getSpec() != null
          && policy.equals(s.getSpec().policy)
          && removed.contains(s.getSpec().snapshotId)) {
        client.resources(Snapshot.class).inNamespace(ns).resource(s).delete();
        deleted++;
      }
    }
    events.normal(
        p,
        Reasons.RETENTION_APPLIED,
        "forgot "
            + removed.size()
            + " snapshots ("
            + deleted
            + " Snapshot objects removed); prune frees their data"
            + (f == null || f.lockedUntil() == null
                ? ""
                : "; the bucket keeps them locked until " + f.lockedUntil())
            + (f == null || f.locksExtended() == null
                ? ""
                : "; extended the Object Lock of "
                    + f.locksExtended()
                    + " objects to "
                    + f.extendedUntil()
                    + " at the latest, as retention keeps their snapshots"),
        now);
  }
}
