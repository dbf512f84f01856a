package dev.arca.controller.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.controller.Events;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Turns a finished maintenance Job into its effects: forget removes the Snapshot objects of the
 * forgotten snapshots, prune reports what it freed, verify fills status.lastVerification.
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
      BackupPolicy p, BackupPolicyStatus st, Job job, String kind, JobOutcome o, Instant now) {
    String ns = p.getMetadata().getNamespace();
    String policy = p.getMetadata().getName();
    metrics.run(ns, policy, kind, o.succeeded(), BackupRecorder.duration(job, now));
    switch (kind) {
      case "prune" -> prune(p, job, o, now);
      case "verify" -> verify(p, st, job, o, now);
      default -> forget(p, job, o, now);
    }
  }

  private void prune(BackupPolicy p, Job job, JobOutcome o, Instant now) {
    if (!o.succeeded()) {
      events.warning(
          p,
          "PruneFailed",
          "prune Job " + job.getMetadata().getName() + " failed: " + o.message(),
          now);
      return;
    }
    JsonNode s = o.summary();
    events.normal(
        p,
        "PruneSucceeded",
        s == null
            ? "prune completed"
            : "deleted "
                + s.path("deletedPacks").asLong()
                + " packs ("
                + s.path("reclaimedBytes").asLong()
                + " bytes), marked "
                + s.path("markedPacks").asLong()
                + " for deletion after the grace period",
        now);
  }

  private void verify(BackupPolicy p, BackupPolicyStatus st, Job job, JobOutcome o, Instant now) {
    JsonNode s = o.summary();
    BackupPolicyStatus.Verification v = new BackupPolicyStatus.Verification();
    v.time = now.toString();
    v.job = job.getMetadata().getName();
    v.ok = o.succeeded() && (s == null || s.path("ok").asBoolean(true));
    v.damagedObjects =
        s == null
            ? null
            : s.has("damagedObjects")
                ? (Long) (long) s.get("damagedObjects").size()
                : s.hasNonNull("damagedObjectsCount") // a cut result whose whole is gone
                    ? (Long) s.get("damagedObjectsCount").asLong()
                    : null;
    st.lastVerification = v;
    if (Boolean.TRUE.equals(v.ok)) {
      events.normal(p, "VerifySucceeded", "no damage found", now);
    } else if (v.damagedObjects != null && v.damagedObjects > 0) {
      events.warning(
          p,
          "DamageFound",
          "verify found " + v.damagedObjects + " damaged objects; see Job " + v.job,
          now);
    } else {
      events.warning(p, "VerifyFailed", "verify Job " + v.job + " failed: " + o.message(), now);
    }
  }

  private void forget(BackupPolicy p, Job job, JobOutcome o, Instant now) {
    String ns = p.getMetadata().getNamespace();
    String policy = p.getMetadata().getName();
    if (!o.succeeded()) {
      events.warning(
          p,
          "RetentionFailed",
          "forget Job " + job.getMetadata().getName() + " failed: " + o.message(),
          now);
      return;
    }
    Set<String> removed = new HashSet<>();
    JsonNode list = o.summary() == null ? null : o.summary().get("removed");
    if (list != null) {
      list.forEach(r -> removed.add(r.path("id").asText()));
    } else if (o.summary() != null && o.summary().path("resultUnavailable").asBoolean(false)) {
      events.warning(
          p,
          "RetentionResultIncomplete",
          "forget Job "
              + job.getMetadata().getName()
              + " removed "
              + o.summary().path("removedCount").asLong()
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
        "RetentionApplied",
        "forgot "
            + removed.size()
            + " snapshots ("
            + deleted
            + " Snapshot objects removed); prune frees their data",
        now);
  }
}
