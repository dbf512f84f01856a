package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.Progress;
import dev.arca.contract.PartReport;
import dev.arca.controller.Events;
import dev.arca.controller.ExecGrants;
import dev.arca.controller.JobLookup;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.ProgressWatch;
import dev.arca.controller.Reasons;
import dev.arca.controller.RunKind;
import dev.arca.controller.jobs.BackupJobs;
import dev.arca.controller.jobs.BackupRun;
import dev.arca.controller.jobs.PartJob;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A backup run in parts ({@link PartPlan}), in status.parts: starts the parts' Jobs, at most {@code
 * spec.parallelism} at a time, follows them (progress, stall, failure), and once every part has
 * succeeded starts the Job that joins them into one snapshot, the run's Job (status.activeJob),
 * which is then observed and recorded as any backup Job. A part that fails (or whose Job is
 * deleted, stalls or cannot start) fails the run: no snapshot is made, and the next run reuses what
 * the parts stored (the engine deduplicates against it); parts still running are left to finish, so
 * that their uploads are indexed and reused too.
 */
final class PartRuns {
  static final String PENDING = "Pending";
  static final String RUNNING = "Running";
  static final String SUCCEEDED = "Succeeded";
  static final String FAILED = "Failed";

  private final KubernetesClient client;
  private final Events events;
  private final OperatorConfig cfg;
  private final ArcaMetrics metrics;

  PartRuns(KubernetesClient client, Events events, OperatorConfig cfg, ArcaMetrics metrics) {
    this.client = client;
    this.events = events;
    this.cfg = cfg;
    this.metrics = metrics;
  }

  /** Starts {@code run} in the parts of {@code plan}; {@code dumpPods}: the dump sources' pods. */
  void start(
      BackupPolicy p,
      BackupPolicyStatus st,
      BackupRun run,
      PartPlan plan,
      Map<String, String> dumpPods,
      Instant now) {
    String policy = p.getMetadata().getName();
    BackupPolicyStatus.PartRun r = new BackupPolicyStatus.PartRun();
    r.run = run.runId(p.getMetadata().getUid(), policy);
    r.runTime = run.time().toString();
    r.full = run.full();
    r.runNow = run.runNow();
    r.mode = plan.mode();
    for (PartPlan.Part part : plan.parts()) {
      BackupPolicyStatus.Part item = new BackupPolicyStatus.Part();
      item.index = part.index();
      item.job = run.partJobName(policy, part.index());
      item.node = part.node();
      item.pvcs = part.pvcs();
      item.phase = PENDING;
      r.items.add(item);
    }
    st.parts = r;
    // the commit's name: the run's Job once the parts are done (the dumps' exec right, granted
    // under this name, is revoked when it ends, as a single Job's)
    st.activeJob = run.jobName(policy);
    events.normal(
        p,
        Reasons.BACKUP_STARTED,
        (run.full() ? "full" : "incremental")
            + " backup run of "
            + run.time()
            + " started in "
            + plan.parts().size()
            + " parts ("
            + describe(plan)
            + "), "
            + parallelism(p)
            + " at a time; Job "
            + st.activeJob
            + " joins them into one snapshot",
        now);
    launch(p, st, dumpPods, now);
    done(p, st);
  }

  /**
   * Observes the running parts, starts the next ones, and once all have succeeded starts the commit
   * Job. Returns a running part's pod while parts run, for the Running condition.
   */
  dev.arca.controller.JobPod advance(
      BackupPolicy p, BackupPolicyStatus st, List<Job> jobs, Instant now) {
    BackupPolicyStatus.PartRun r = st.parts;
    dev.arca.controller.JobPod seen = null;
    for (BackupPolicyStatus.Part item : r.items) {
      if (!RUNNING.equals(item.phase)) {
        continue;
      }
      Job job = JobLookup.find(jobs, client, p.getMetadata().getNamespace(), item.job);
      if (job == null) {
        fail(p, st, item, "its Job " + item.job + " was deleted before it ended", now);
        return null;
      }
      JobOutcome o =
          JobOutcome.observe(
              client, job, RunKind.BACKUP, now, JobLookup.startTimeout(p.getSpec().job));
      if (!o.finished()) {
        o = watch(p, item, job, o, now);
      }
      if (!o.finished()) {
        seen = seen != null && seen.running() ? seen : o.pod();
        continue;
      }
      PartReport report = o.result() == null ? null : o.result().as(PartReport.class);
      if (!o.succeeded() && (report == null || report.partId() == null)) {
        fail(p, st, item, o.message(), now);
        return null;
      }
      succeeded(item, report, o);
    }
    launch(p, st, Map.of(), now);
    done(p, st);
    if (r.items.stream().allMatch(i -> SUCCEEDED.equals(i.phase))) {
      commit(p, st, now);
    }
    return seen;
  }

  /** A part whose part object exists (a part that could not read some entries included). */
  private static void succeeded(BackupPolicyStatus.Part item, PartReport report, JobOutcome o) {
    item.phase = SUCCEEDED;
    item.message = null;
    if (report != null && report.backup() != null) {
      Progress done = new Progress();
      done.bytesDone = report.backup().bytes();
      done.bytesTotal = report.backup().bytes();
      done.filesDone = report.backup().files();
      done.percent = 100;
      item.progress = done;
      int unreadable =
          report.backup().unreadable() == null ? 0 : report.backup().unreadable().size();
      if (unreadable > 0) {
        item.message = unreadable + " entries could not be read (the commit names them)";
      }
      if (report.reused()) {
        item.message = "stored by an earlier attempt; reused";
      }
    } else if (!o.succeeded()) {
      item.message = o.message();
    }
  }

  /** Reads a running part's progress; a part stalled past its timeout is given up. */
  private JobOutcome watch(
      BackupPolicy p, BackupPolicyStatus.Part item, Job job, JobOutcome o, Instant now) {
    if (o.pod() == null || !o.pod().running()) {
      return o;
    }
    ProgressWatch.Watched w =
        ProgressWatch.watch(client, job, o, item.progress, p.getSpec().job, now);
    item.progress = w.progress();
    return w.outcome();
  }

  /** Starts pending parts while fewer than {@code spec.parallelism} run. */
  private void launch(
      BackupPolicy p, BackupPolicyStatus st, Map<String, String> dumpPods, Instant now) {
    BackupPolicyStatus.PartRun r = st.parts;
    long running = r.items.stream().filter(i -> RUNNING.equals(i.phase)).count();
    for (BackupPolicyStatus.Part item : r.items) {
      if (running >= parallelism(p)) {
        return;
      }
      if (!PENDING.equals(item.phase)) {
        continue;
      }
      BackupRun run = new BackupRun(Instant.parse(r.runTime), r.full, r.runNow);
      PartJob part =
          new PartJob(
              item.index,
              r.items.size(),
              r.run,
              item.node,
              item.pvcs,
              item.index == 0,
              PartPlan.SPLIT.equals(r.mode));
      Job job = BackupJobs.part(p, run, cfg, part, dumpPods.isEmpty() ? pods(p) : dumpPods);
      try {
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(p.getMetadata().getNamespace())
            .resource(job)
            .create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) { // 409: created by an earlier reconcile
          fail(p, st, item, "its Job was refused by the API server: " + e.getMessage(), now);
          return;
        }
      }
      item.phase = RUNNING;
      running++;
    }
  }

  /** The dump pods of part 0 when it starts after the run began: looked up again. */
  private Map<String, String> pods(BackupPolicy p) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (var s : p.getSpec().sources) {
      if (s.dump != null) {
        String pod =
            dev.arca.controller.ExecTargets.pod(client, p.getMetadata().getNamespace(), s.dump);
        if (pod != null) {
          out.put(s.dump.path, pod);
        }
      }
    }
    return out;
  }

  /** Every part succeeded: the Job that joins them starts. */
  private void commit(BackupPolicy p, BackupPolicyStatus st, Instant now) {
    BackupPolicyStatus.PartRun r = st.parts;
    BackupRun run = new BackupRun(Instant.parse(r.runTime), r.full, r.runNow);
    Job job = BackupJobs.commit(p, run, cfg, r.run, r.items.size());
    try {
      client.batch().v1().jobs().inNamespace(p.getMetadata().getNamespace()).resource(job).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        fail(p, st, null, "the Job that joins the parts was refused: " + e.getMessage(), now);
        return;
      }
    }
    r.committing = true;
    events.normal(
        p,
        Reasons.BACKUP_PARTS_DONE,
        "all "
            + r.items.size()
            + " parts of the run of "
            + r.runTime
            + " succeeded; Job "
            + st.activeJob
            + " joins them into one snapshot",
        now);
  }

  /**
   * A part failed: so does the run, with no snapshot; the other parts' Jobs are stopped. Nothing
   * stored is lost: the next run reuses it.
   */
  private void fail(
      BackupPolicy p,
      BackupPolicyStatus st,
      BackupPolicyStatus.Part item,
      String why,
      Instant now) {
    BackupPolicyStatus.PartRun r = st.parts;
    String message =
        (item == null
                ? "the run of " + r.runTime
                : "part "
                    + item.index
                    + " of "
                    + r.items.size()
                    + " (Job "
                    + item.job
                    + (item.node == null ? "" : ", node " + item.node)
                    + ", PVCs "
                    + String.join(", ", item.pvcs)
                    + ")")
            + " failed: "
            + why
            + "; no snapshot was made. The next run reuses what the parts stored";
    if (item != null) {
      item.phase = FAILED;
      item.message = why;
    }
    List<String> running =
        r.items.stream()
            .filter(i -> RUNNING.equals(i.phase) && i != item)
            .map(i -> String.valueOf(i.index))
            .toList();
    if (!running.isEmpty()) {
      // not stopped: what they store is indexed when they end, and the next run reuses it
      message +=
          "; part"
              + (running.size() == 1 ? " " : "s ")
              + String.join(", ", running)
              + (running.size() == 1
                  ? " still running finishes on its own"
                  : " still running finish on their own")
              + ", and the next run reuses what it stores";
    }
    BackupPolicyStatus.Failure f =
        RunFailure.record(p, st, Reasons.BACKUP_PART_FAILED, message, st.activeJob, metrics, now);
    events.warning(p, f.reason, f.message, now);
    if (p.getSpec().sources.stream().anyMatch(x -> x.dump != null)) {
      // as a single Job's: the dumps' exec right goes with the run (only dumps have one)
      ExecGrants.revoke(client, p.getMetadata().getNamespace(), st.activeJob);
    }
    st.activeJob = null;
    st.progress = null;
    st.parts = null;
    ended(metrics, p);
  }

  /** The run in parts ended: the parts' gauges go back to none. */
  static void ended(ArcaMetrics metrics, BackupPolicy p) {
    metrics.parts(p.getMetadata().getNamespace(), p.getMetadata().getName(), 0, 0, List.of());
  }

  /** Updates the done/total column and the parts' gauges. */
  private void done(BackupPolicy p, BackupPolicyStatus st) {
    BackupPolicyStatus.PartRun r = st.parts;
    long ok = r.items.stream().filter(i -> SUCCEEDED.equals(i.phase)).count();
    r.done = ok + "/" + r.items.size();
    metrics.parts(
        p.getMetadata().getNamespace(),
        p.getMetadata().getName(),
        r.items.size(),
        ok,
        r.items.stream()
            .map(
                i -> i.progress == null || i.progress.bytesDone == null ? 0L : i.progress.bytesDone)
            .toList());
  }

  private static int parallelism(BackupPolicy p) {
    return p.getSpec().parallelism == null ? 1 : p.getSpec().parallelism;
  }

  private static String describe(PartPlan plan) {
    if (plan.split()) {
      return "splitting the files of " + String.join(", ", plan.parts().get(0).pvcs());
    }
    return String.join(
        "; ",
        plan.parts().stream()
            .map(x -> "node " + x.node() + ": " + String.join(", ", x.pvcs()))
            .toList());
  }
}
