package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.controller.Events;
import dev.arca.controller.JobLookup;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.JobPod;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.ProgressWatch;
import dev.arca.controller.Reasons;
import dev.arca.controller.RunKind;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;

/**
 * Observes a policy's active Job (status.activeJob) and records it once it has ended, whatever the
 * spec says now: a Job that completes always becomes status, a Snapshot object and Events. A Job
 * whose pod cannot start is given up (see {@link JobOutcome#observe}); a Job deleted before it
 * ended is reported, so the policy never waits for a run that is gone.
 */
final class ActiveRun {
  /**
   * What the observation found.
   *
   * @param pod the active Job's pod while it runs, else null
   * @param succeededBackup the name of a backup Job that has just succeeded, else null
   * @param stale whether the status read is older than the API server's: its active Job is gone
   *     because an earlier reconcile already recorded it (and deleted it, say, as a pod that could
   *     not start); the reconcile does nothing and comes back once the cache has caught up
   */
  record Seen(JobPod pod, String succeededBackup, boolean stale) {
    Seen(JobPod pod, String succeededBackup) {
      this(pod, succeededBackup, false);
    }
  }

  private final KubernetesClient client;
  private final Events events;
  private final ArcaMetrics metrics;
  private final OperatorConfig cfg;

  ActiveRun(KubernetesClient client, Events events, ArcaMetrics metrics, OperatorConfig cfg) {
    this.cfg = cfg;
    this.client = client;
    this.events = events;
    this.metrics = metrics;
  }

  Seen observe(BackupPolicy p, BackupPolicyStatus st, List<Job> jobs, Instant now) {
    if (st.activeJob == null) {
      return new Seen(null, null);
    }
    Job job = JobLookup.find(jobs, client, p.getMetadata().getNamespace(), st.activeJob);
    if (job == null && (st.snapshotWait != null || beforeHooksRun(st))) {
      return new Seen(null, null); // its Job starts once its snapshots are ready, its hooks ran
    }
    if (job == null && st.parts != null && !Boolean.TRUE.equals(st.parts.committing)) {
      // its Job joins the parts once they are done
      return new Seen(new PartRuns(client, events, cfg, metrics).advance(p, st, jobs, now), null);
    }
    if (job == null && !stillActive(p, st.activeJob)) {
      return new Seen(null, null, true);
    }
    if (job == null) {
      gone(p, st, now);
      return new Seen(null, null);
    }
    RunKind kind = RunKind.ofLabel(job.getMetadata().getLabels().get(Labels.RUN));
    if (kind == null) {
      kind = RunKind.BACKUP; // a label this operator does not know: read as the Job it most is
    }
    JobOutcome o =
        JobOutcome.observe(client, job, kind, now, JobLookup.startTimeout(p.getSpec().job));
    if (!o.finished() && kind == RunKind.BACKUP && o.pod().running()) {
      o = watchProgress(p, st, job, o, now);
    }
    if (!o.finished()) {
      return new Seen(o.pod(), null);
    }
    st.activeJob = null;
    st.progress = null;
    if (st.parts != null) {
      st.parts = null;
      PartRuns.ended(metrics, p);
    }
    revokeExec(p, job.getMetadata().getName());
    if (kind != RunKind.BACKUP) {
      new MaintenanceRecorder(client, events, metrics).record(p, st, job, kind, o, now);
      return new Seen(null, null);
    }
    new BackupRecorder(client, events, metrics).record(p, st, job, o, now);
    return new Seen(null, o.succeeded() ? job.getMetadata().getName() : null);
  }

  private static boolean beforeHooksRun(BackupPolicyStatus st) {
    return st.hooks != null
        && Hooks.BEFORE.equals(st.hooks.phase)
        && st.hooks.backupJob.equals(st.activeJob);
  }

  /**
   * Reads the running backup's progress into status; a backup whose progress stood still for its
   * stall timeout is given up (its Job deleted) and comes back as failed.
   */
  private JobOutcome watchProgress(
      BackupPolicy p, BackupPolicyStatus st, Job job, JobOutcome o, Instant now) {
    ProgressWatch.Watched w =
        ProgressWatch.watch(client, job, o, st.progress, p.getSpec().job, now);
    st.progress = w.progress();
    return w.outcome();
  }

  /** A backup with dump sources ended: its exec right on the database pods goes. */
  private void revokeExec(BackupPolicy p, String job) {
    if (p.getSpec().sources.stream().anyMatch(s -> s.dump != null)) {
      dev.arca.controller.ExecGrants.revoke(client, p.getMetadata().getNamespace(), job);
    }
  }

  /**
   * Whether the API server's copy of the policy still names {@code job} as active (one GET, only
   * when that Job is gone): a run is reported as deleted only on the server's word, not the
   * cache's.
   */
  private boolean stillActive(BackupPolicy p, String job) {
    BackupPolicy fresh =
        client
            .resources(BackupPolicy.class)
            .inNamespace(p.getMetadata().getNamespace())
            .withName(p.getMetadata().getName())
            .get();
    return fresh != null && fresh.getStatus() != null && job.equals(fresh.getStatus().activeJob);
  }

  /** The active Job was deleted before it ended (by hand, or with its namespace's cleanup). */
  private void gone(BackupPolicy p, BackupPolicyStatus st, Instant now) {
    revokeExec(p, st.activeJob);
    String message = "Job " + st.activeJob + " was deleted before it ended; its result is unknown";
    BackupPolicyStatus.Failure f;
    if (st.activeJob.contains("-backup-")) {
      f = RunFailure.record(p, st, Reasons.JOB_DELETED, message, st.activeJob, metrics, now);
    } else {
      f = new BackupPolicyStatus.Failure();
      f.time = now.toString();
      f.reason = Reasons.JOB_DELETED;
      f.message = message;
      f.job = st.activeJob;
      st.lastFailure = f;
    }
    events.warning(p, f.reason, f.message, now);
    st.activeJob = null;
    st.progress = null;
    if (st.parts != null) {
      st.parts = null;
      PartRuns.ended(metrics, p);
    }
  }
}
