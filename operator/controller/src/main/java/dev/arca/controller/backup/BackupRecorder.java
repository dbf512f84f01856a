package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.api.v1alpha1.SnapshotSpec;
import dev.arca.contract.BackupReport;
import dev.arca.controller.Conditions;
import dev.arca.controller.Events;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.Reasons;
import dev.arca.controller.Sizes;
import dev.arca.controller.jobs.BackupJobs;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.Names;
import dev.arca.controller.jobs.SnapshotOwner;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Turns a finished backup Job into status, a Snapshot object and an Event. */
final class BackupRecorder {
  private final KubernetesClient client;
  private final Events events;
  private final ArcaMetrics metrics;

  BackupRecorder(KubernetesClient client, Events events, ArcaMetrics metrics) {
    this.client = client;
    this.events = events;
    this.metrics = metrics;
  }

  void record(BackupPolicy p, BackupPolicyStatus st, Job job, JobOutcome o, Instant now) {
    long gen = p.getMetadata().getGeneration() == null ? 0 : p.getMetadata().getGeneration();
    String jobName = job.getMetadata().getName();
    String ns = p.getMetadata().getNamespace();
    metrics.run(ns, p.getMetadata().getName(), "backup", o.succeeded(), duration(job, now));
    if (!o.succeeded()) {
      BackupPolicyStatus.Failure f = new BackupPolicyStatus.Failure();
      f.time = now.toString();
      f.reason = o.reason();
      f.message = o.message();
      f.job = jobName;
      st.lastFailure = f;
      Conditions.set(
          st.conditions,
          Conditions.LAST_BACKUP_SUCCEEDED,
          false,
          o.reason(),
          o.message(),
          gen,
          now);
      events.warning(p, o.reason(), "backup Job " + jobName + " failed: " + o.message(), now);
      return;
    }
    BackupReport s = o.result() == null ? null : o.result().as(BackupReport.class);
    BackupPolicyStatus.BackupSummary b = new BackupPolicyStatus.BackupSummary();
    b.startTime = job.getStatus().getStartTime();
    b.completionTime =
        job.getStatus().getCompletionTime() != null
            ? job.getStatus().getCompletionTime()
            : now.toString();
    List<BackupPolicyStatus.VolumeSnapshotTaken> taken = BackupJobs.snapshotsOf(job);
    b.volumeSnapshots = taken.isEmpty() ? null : taken;
    if (s != null && s.snapshotId() != null) {
      b.snapshotId = s.snapshotId();
      b.mode = s.mode();
      b.files = s.files();
      b.bytes = s.bytes();
      b.size = Sizes.of(b.bytes);
      b.newBytes = s.newBytes();
      b.storedBytes = s.storedBytes();
      b.unchangedFiles = s.unchangedFiles();
      CheckpointRecord.summary(s, b);
      b.snapshotName = snapshotObject(p, b, s);
      String skipped = CheckpointRecord.skippedMessage(s, s.snapshotId());
      if (skipped != null) {
        events.warning(p, Reasons.CHECKPOINTS_SKIPPED, skipped, now);
      }
    }
    if (s != null && s.repositoryInitialized()) {
      b.repositoryInitialized = repositoryUrl(job, p);
      events.normal(
          p,
          Reasons.REPOSITORY_INITIALIZED,
          "Repository initialised at "
              + b.repositoryInitialized
              + " by backup Job "
              + jobName
              + " (spec.repository.initialize: IfMissing)",
          now);
    }
    st.lastBackup = b;
    if (b.snapshotId != null) {
      metrics.backup(
          ns,
          p.getMetadata().getName(),
          p.getMetadata().getUid(),
          Instant.parse(b.completionTime),
          b.bytes,
          b.storedBytes);
    }
    boolean full = "full".equals(b.mode);
    st.backupsSinceFull = full ? 0L : (st.backupsSinceFull == null ? 0 : st.backupsSinceFull) + 1;
    String msg =
        b.snapshotId == null
            ? "backup Job " + jobName + " succeeded but left no summary"
            : "snapshot "
                + b.snapshotId.substring(0, 12)
                + " ("
                + b.mode
                + "): "
                + b.files
                + " files, "
                + Sizes.of(b.newBytes)
                + " new";
    Conditions.set(
        st.conditions, Conditions.LAST_BACKUP_SUCCEEDED, true, Reasons.COMPLETED, msg, gen, now);
    events.normal(p, Reasons.BACKUP_SUCCEEDED, msg, now);
  }

  /** The repository URL the Job was given (the policy's may have changed since). */
  private static String repositoryUrl(Job job, BackupPolicy p) {
    return job.getSpec().getTemplate().getSpec().getContainers().stream()
        .flatMap(c -> c.getEnv() == null ? java.util.stream.Stream.empty() : c.getEnv().stream())
        .filter(e -> "ARCA_REPO".equals(e.getName()) && e.getValue() != null)
        .map(io.fabric8.kubernetes.api.model.EnvVar::getValue)
        .findFirst()
        .orElse(p.getSpec().repository.url);
  }

  static java.time.Duration duration(Job job, Instant now) {
    var s = job.getStatus();
    if (s == null || s.getStartTime() == null) {
      return null;
    }
    Instant end = s.getCompletionTime() != null ? Instant.parse(s.getCompletionTime()) : now;
    return java.time.Duration.between(Instant.parse(s.getStartTime()), end);
  }

  /**
   * Creates the Snapshot object mirroring the new snapshot; returns its name. It has no owner
   * reference: deleting the policy (perhaps by mistake) leaves the catalog of what the repository
   * holds, labelled with the policy's name.
   */
  private String snapshotObject(
      BackupPolicy p, BackupPolicyStatus.BackupSummary b, BackupReport report) {
    String policy = p.getMetadata().getName();
    Snapshot snap = new Snapshot();
    String name = Names.of(policy, b.snapshotId.substring(0, 12));
    snap.getMetadata().setName(name);
    snap.getMetadata().setNamespace(p.getMetadata().getNamespace());
    // no owner: the catalog outlives its policy, as the snapshots in the repository do
    snap.getMetadata().setLabels(Map.of(Labels.MANAGED_BY, "arca", Labels.POLICY, policy));
    SnapshotSpec spec = new SnapshotSpec();
    spec.policy = policy;
    spec.policyUid = p.getMetadata().getUid();
    spec.snapshotId = b.snapshotId;
    spec.time = b.startTime;
    spec.mode = b.mode;
    spec.pvcs = p.getSpec().sources.stream().filter(x -> x.pvc != null).map(x -> x.pvc).toList();
    List<String> dumps =
        p.getSpec().sources.stream().filter(x -> x.dump != null).map(x -> x.dump.path).toList();
    spec.dumps = dumps.isEmpty() ? null : dumps;
    spec.tags = SnapshotOwner.of(p).tags(p.getSpec().tags);
    spec.files = b.files;
    spec.bytes = b.bytes;
    spec.size = b.size;
    spec.storedBytes = b.storedBytes;
    CheckpointRecord.snapshot(report, spec);
    snap.setSpec(spec);
    if (client
            .resources(Snapshot.class)
            .inNamespace(p.getMetadata().getNamespace())
            .withName(name)
            .get()
        == null) {
      client
          .resources(Snapshot.class)
          .inNamespace(p.getMetadata().getNamespace())
          .resource(snap)
          .create();
    }
    return name;
  }
}
