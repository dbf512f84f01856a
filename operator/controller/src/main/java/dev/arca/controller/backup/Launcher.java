package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.controller.Events;
import dev.arca.controller.ExecGrants;
import dev.arca.controller.ExecTargets;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.Reasons;
import dev.arca.controller.RunKind;
import dev.arca.controller.jobs.BackupJobs;
import dev.arca.controller.jobs.BackupRun;
import dev.arca.controller.jobs.MaintenanceJobs;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts the Jobs of a policy and records them as its active Job. Job names are deterministic, so a
 * Job that already exists (a reconcile that saw a status older than its own last patch) is taken
 * over silently, with no second start Event. A Job the API server refuses (a quota, an admission
 * policy) is reported as a failed run instead of failing the reconcile.
 */
final class Launcher {
  private final KubernetesClient client;
  private final Events events;
  private final OperatorConfig cfg;
  private final SnapshotRun snapshots;
  private final Hooks hooks;
  private final PartRuns parts;

  Launcher(
      KubernetesClient client,
      Events events,
      OperatorConfig cfg,
      ArcaMetrics metrics,
      Hooks hooks) {
    this.client = client;
    this.events = events;
    this.cfg = cfg;
    this.snapshots = new SnapshotRun(client, events, metrics);
    this.hooks = hooks;
    this.parts = new PartRuns(client, events, cfg, metrics);
  }

  /**
   * Starts a backup run: where its volumes can be mounted, with exec rights for dumps. A run with
   * copyMethod Snapshot sources first asks for their VolumeSnapshots; its Job starts in {@link
   * #afterSnapshots} once they are ready.
   */
  void backup(BackupPolicy p, BackupPolicyStatus st, BackupRun run, Instant now) {
    String name = run.jobName(p.getMetadata().getName());
    if (exists(p, name)) {
      st.activeJob = name;
      return;
    }
    Placement place = placement(p, st, run, now); // before the hooks: a conflict pauses nothing
    if (place == null) {
      return;
    }
    if (Hooks.any(p) && hooks.begin(p, st, run, now)) {
      return; // it goes on in afterBeforeHooks
    }
    proceed(p, st, run, place, now);
  }

  /** Goes on with a run whose before hooks ended well. */
  void afterBeforeHooks(BackupPolicy p, BackupPolicyStatus st, BackupRun run, Instant now) {
    Placement place = placement(p, st, run, now);
    if (place == null) {
      st.activeJob = null; // the after hooks start now
      return;
    }
    proceed(p, st, run, place, now);
  }

  /** The run's VolumeSnapshots first, if it has Snapshot sources; else its Job. */
  private void proceed(
      BackupPolicy p, BackupPolicyStatus st, BackupRun run, Placement place, Instant now) {
    if (SnapshotRun.needed(p)) {
      snapshots.request(p, st, run, now);
      return;
    }
    startJob(p, st, run, place, List.of(), now);
  }

  /**
   * Moves a run waiting for its VolumeSnapshots on: once they are ready to use (and their temporary
   * PVCs made), its Job starts.
   */
  void afterSnapshots(BackupPolicy p, BackupPolicyStatus st, Instant now) {
    List<BackupPolicyStatus.VolumeSnapshotTaken> taken = st.snapshotWait.volumeSnapshots;
    BackupRun run = snapshots.advance(p, st, now);
    if (run == null) {
      return;
    }
    String name = run.jobName(p.getMetadata().getName());
    if (exists(p, name)) {
      st.activeJob = name;
      return;
    }
    Placement place = placement(p, st, run, now);
    if (place == null) {
      st.activeJob = null; // its snapshots go with the next sweep
      return;
    }
    startJob(p, st, run, place, taken, now);
  }

  /** Where the run's Job can mount its live volumes; null after a conflict, recorded. */
  private Placement placement(BackupPolicy p, BackupPolicyStatus st, BackupRun run, Instant now) {
    Placement place = Placement.of(client, p);
    if (place.problem() == null) {
      return place;
    }
    fail(
        p,
        st,
        Reasons.PLACEMENT_CONFLICT,
        "run of " + run.time() + " not started: " + place.problem(),
        now);
    return null;
  }

  /**
   * Creates the run's Job, with exec rights for its dumps, or starts its parts when it runs in
   * parts ({@link PartPlan}); {@code taken}: its VolumeSnapshots.
   */
  private void startJob(
      BackupPolicy p,
      BackupPolicyStatus st,
      BackupRun run,
      Placement place,
      List<BackupPolicyStatus.VolumeSnapshotTaken> taken,
      Instant now) {
    String node = place.node();
    String name = run.jobName(p.getMetadata().getName());
    Map<String, String> dumpPods = new TreeMap<>();
    List<BackupPolicySpec.Source> sources = p.getSpec().sources;
    for (int i = 0; i < sources.size(); i++) {
      BackupPolicySpec.Source s = sources.get(i);
      if (s.dump == null) {
        continue;
      }
      String pod = ExecTargets.pod(client, p.getMetadata().getNamespace(), s.dump);
      if (pod == null) {
        String where = "spec.sources[" + i + "].dump";
        fail(
            p,
            st,
            Reasons.DUMP_POD_NOT_FOUND,
            "run of "
                + run.time()
                + " not started: "
                + ExecTargets.noPod(where, p.getMetadata().getNamespace(), s.dump),
            now);
        st.activeJob = null;
        return;
      }
      dumpPods.put(s.dump.path, pod);
    }
    if (!dumpPods.isEmpty()) {
      ExecGrants.ensure(client, p, "dump", name, List.copyOf(dumpPods.values()));
    }
    PartPlan plan = taken.isEmpty() ? PartPlan.of(p.getSpec(), place) : null;
    if (plan != null) {
      parts.start(p, st, run, plan, dumpPods, now);
      return;
    }
    Job job = BackupJobs.backup(p, run, cfg, node, dumpPods);
    BackupJobs.recordSnapshots(job, taken);
    if (create(p, st, job, now)) {
      events.normal(
          p,
          Reasons.BACKUP_STARTED,
          (run.full() ? "full" : "incremental")
              + " backup Job "
              + name
              + " started"
              + (node == null
                  ? ""
                  : " on node " + node + ", where its ReadWriteOnce volume is in use")
              + (taken.isEmpty()
                  ? ""
                  : ", reading the VolumeSnapshots of "
                      + String.join(
                          ", ",
                          taken.stream().map(t -> t.pvc + " cut at " + t.creationTime).toList())),
          now);
    } else {
      st.activeJob = null;
    }
  }

  /** Starts the forget Job that applies retention after the backup Job {@code afterBackup}. */
  void forget(BackupPolicy p, BackupPolicyStatus st, String afterBackup, Instant now) {
    Job job = MaintenanceJobs.forget(p, afterBackup, cfg);
    if (start(p, st, job, now)) {
      events.normal(
          p, RunKind.FORGET.startedReason(), "forget Job " + st.activeJob + " started", now);
    }
  }

  /** Whether an ErasureRequest's Job runs on the policy's snapshots and repository. */
  boolean erasureRunning(BackupPolicy p) {
    return dev.arca.controller.jobs.ErasureJobs.running(
        client, p.getMetadata().getNamespace(), p.getMetadata().getName());
  }

  /** Starts a prune or verify run due at {@code due}. */
  void maintenance(BackupPolicy p, BackupPolicyStatus st, RunKind kind, Instant due, Instant now) {
    Job job =
        kind == RunKind.PRUNE
            ? MaintenanceJobs.prune(p, due, cfg)
            : MaintenanceJobs.verify(p, due, cfg);
    if (start(p, st, job, now)) {
      events.normal(
          p, kind.startedReason(), kind.label() + " Job " + st.activeJob + " started", now);
    }
  }

  /** Starts the copy Job of the target {@code t}, made due by {@code trigger}. */
  void copy(
      BackupPolicy p,
      BackupPolicyStatus st,
      BackupPolicySpec.CopyTarget t,
      String trigger,
      Instant now) {
    started(p, st, MaintenanceJobs.copy(p, t, trigger, cfg), RunKind.COPY, t.name, now);
  }

  /**
   * Starts the forget Job of the target {@code t}'s retention, after the copy Job {@code after}.
   */
  void forgetCopies(
      BackupPolicy p,
      BackupPolicyStatus st,
      BackupPolicySpec.CopyTarget t,
      String after,
      Instant now) {
    started(p, st, MaintenanceJobs.forgetCopies(p, t, after, cfg), RunKind.FORGET, t.name, now);
  }

  /** Starts the prune Job of the target {@code t}, due at {@code due}. */
  void pruneCopies(
      BackupPolicy p,
      BackupPolicyStatus st,
      BackupPolicySpec.CopyTarget t,
      Instant due,
      Instant now) {
    started(p, st, MaintenanceJobs.pruneCopies(p, t, due, cfg), RunKind.PRUNE, t.name, now);
  }

  private void started(
      BackupPolicy p, BackupPolicyStatus st, Job job, RunKind kind, String target, Instant now) {
    if (start(p, st, job, now)) {
      events.normal(
          p,
          kind.startedReason(),
          kind.label() + " Job " + st.activeJob + " started for copyTo target " + target,
          now);
    }
  }

  /** Takes over {@code job} if it exists, else creates it; whether it was created now. */
  private boolean start(BackupPolicy p, BackupPolicyStatus st, Job job, Instant now) {
    if (exists(p, job.getMetadata().getName())) {
      st.activeJob = job.getMetadata().getName();
      return false;
    }
    return create(p, st, job, now);
  }

  private boolean exists(BackupPolicy p, String name) {
    return client
            .batch()
            .v1()
            .jobs()
            .inNamespace(p.getMetadata().getNamespace())
            .withName(name)
            .get()
        != null;
  }

  private boolean create(BackupPolicy p, BackupPolicyStatus st, Job job, Instant now) {
    try {
      client.batch().v1().jobs().inNamespace(p.getMetadata().getNamespace()).resource(job).create();
    } catch (KubernetesClientException e) {
      fail(
          p,
          st,
          Reasons.JOB_NOT_CREATED,
          "Job "
              + job.getMetadata().getName()
              + " was refused by the API server: "
              + e.getMessage(),
          now);
      return false;
    }
    st.activeJob = job.getMetadata().getName();
    return true;
  }

  private void fail(
      BackupPolicy p, BackupPolicyStatus st, String reason, String message, Instant now) {
    BackupPolicyStatus.Failure f = new BackupPolicyStatus.Failure();
    f.time = now.toString();
    f.reason = reason;
    f.message = message;
    st.lastFailure = f;
    events.warning(p, reason, message, now);
  }
}
