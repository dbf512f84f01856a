package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.BackupPolicyStatus.HookResult;
import dev.arca.api.v1alpha1.BackupPolicyStatus.HookRun;
import dev.arca.api.v1alpha1.Hook;
import dev.arca.contract.HooksReport;
import dev.arca.controller.Events;
import dev.arca.controller.ExecGrants;
import dev.arca.controller.ExecTargets;
import dev.arca.controller.JobLookup;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.Reasons;
import dev.arca.controller.RunKind;
import dev.arca.controller.jobs.BackupRun;
import dev.arca.controller.jobs.HookJobs;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hooks of a backup run, as a short Job per phase ({@link HookJobs}, {@code arca hooks}) with
 * exec on the hooks' pods alone. A run with before hooks waits for them ({@code status.hooks},
 * phase Before; its activeJob is the backup Job to be); when they end well it goes on, when one
 * that fails its run failed, the run fails and the after hooks start at once. The after hooks are
 * due whenever the before hooks ran (phase Between): with copyMethod Snapshot once every
 * VolumeSnapshot is cut, otherwise once the backup Job ended in any way ({@link #afterIfDue}). The
 * phase and the hook Job are in the status, so an operator restart carries a run's hooks on.
 */
final class Hooks {
  static final String BEFORE = "Before";
  static final String BETWEEN = "Between";
  static final String AFTER = "After";
  static final String DONE = "Done";

  private final KubernetesClient client;
  private final Events events;
  private final ArcaMetrics metrics;
  private final OperatorConfig cfg;

  Hooks(KubernetesClient client, Events events, ArcaMetrics metrics, OperatorConfig cfg) {
    this.client = client;
    this.events = events;
    this.metrics = metrics;
    this.cfg = cfg;
  }

  /** Whether the policy has hooks. */
  static boolean any(BackupPolicy p) {
    BackupPolicySpec.HooksSpec h = p.getSpec().hooks;
    return h != null && !(empty(h.before) && empty(h.after));
  }

  /** Whether the after hooks of a run still run (the next run's before hooks wait for them). */
  static boolean afterRunning(BackupPolicyStatus st) {
    return st.hooks != null && AFTER.equals(st.hooks.phase);
  }

  /**
   * Starts the hooks of {@code run}: its before hooks' Job, if any. Returns whether the run waits
   * for them (its activeJob is then its backup Job to be).
   */
  boolean begin(BackupPolicy p, BackupPolicyStatus st, BackupRun run, Instant now) {
    HookRun h = new HookRun();
    h.backupJob = run.jobName(p.getMetadata().getName());
    h.runTime = run.time().toString();
    h.full = run.full();
    h.runNow = run.runNow();
    h.results = new ArrayList<>();
    st.hooks = h;
    List<Hook> before = p.getSpec().hooks.before;
    if (empty(before)) {
      h.phase = BETWEEN;
      return false;
    }
    h.phase = BEFORE;
    st.activeJob = h.backupJob;
    start(p, h, HookJobs.BEFORE, before, now);
    return true;
  }

  /**
   * Looks at the running hook Job; once it ended, records its hooks. Returns the run to go on with
   * when its before hooks ended well; null otherwise.
   */
  BackupRun observe(BackupPolicy p, BackupPolicyStatus st, List<Job> jobs, Instant now) {
    HookRun h = st.hooks;
    if (h == null || h.job == null) {
      return null;
    }
    String ns = p.getMetadata().getNamespace();
    Job job = JobLookup.find(jobs, client, ns, h.job);
    JobOutcome o =
        job == null
            ? new JobOutcome(true, false, Reasons.JOB_DELETED, "it was deleted", null, null)
            : JobOutcome.observe(
                client, job, RunKind.HOOKS, now, JobLookup.startTimeout(p.getSpec().job));
    if (!o.finished()) {
      return null;
    }
    ExecGrants.revoke(client, ns, h.job);
    HooksReport r = o.result() == null ? null : o.result().as(HooksReport.class);
    String phase = BEFORE.equals(h.phase) ? HookJobs.BEFORE : HookJobs.AFTER;
    String failure = record(p, h, phase, o, r, now);
    h.job = null;
    if (BEFORE.equals(h.phase)) {
      h.beforeEnded = time(r == null ? null : r.endTime(), now).toString();
      h.phase = BETWEEN;
      if (failure != null) {
        failRun(p, st, "before hooks: " + failure, now);
        st.activeJob = null;
        startAfter(p, st, now);
        return null;
      }
      return new BackupRun(Instant.parse(h.runTime), Boolean.TRUE.equals(h.full), h.runNow);
    }
    h.phase = DONE;
    Instant afterStarted = time(r == null ? null : r.startTime(), time(h.afterStarted, now));
    h.afterStarted = afterStarted.toString();
    if (h.beforeEnded != null) {
      h.pausedMs = Duration.between(time(h.beforeEnded, now), afterStarted).toMillis();
    }
    return null;
  }

  /**
   * A time a hook report (written in a pod, read from its termination message or log) or the status
   * gives; {@code otherwise} when it is missing or not a time, so that a garbled report cannot fail
   * every reconcile.
   */
  private static Instant time(String t, Instant otherwise) {
    try {
      return t == null ? otherwise : Instant.parse(t);
    } catch (java.time.format.DateTimeParseException e) {
      return otherwise;
    }
  }

  /**
   * Starts the after hooks when they are due: the run ended (its backup Job is no longer the active
   * one), or, with copyMethod Snapshot, every VolumeSnapshot is cut.
   */
  void afterIfDue(BackupPolicy p, BackupPolicyStatus st, Instant now) {
    HookRun h = st.hooks;
    if (h == null || !BETWEEN.equals(h.phase)) {
      return;
    }
    boolean ended = !h.backupJob.equals(st.activeJob);
    boolean cut =
        SnapshotRun.needed(p)
            && (st.snapshotWait == null
                ? !ended // its Job started: the snapshots were ready
                : st.snapshotWait.volumeSnapshots.stream().allMatch(v -> v.creationTime != null));
    if (ended || cut) {
      startAfter(p, st, now);
    }
  }

  /** Gives up a run whose before hooks ended, as it cannot go on ({@code why}). */
  void abandon(BackupPolicy p, BackupPolicyStatus st, String why, Instant now) {
    failRun(p, st, why, now);
    events.warning(p, Reasons.HOOK_FAILED, st.lastFailure.message, now);
    st.activeJob = null;
  }

  /** Starts the after hooks' Job (none: the run's hooks are done). */
  private void startAfter(BackupPolicy p, BackupPolicyStatus st, Instant now) {
    HookRun h = st.hooks;
    List<Hook> after = p.getSpec().hooks == null ? null : p.getSpec().hooks.after;
    if (empty(after)) {
      h.phase = DONE;
      return;
    }
    h.phase = AFTER;
    h.afterStarted = now.toString();
    start(p, h, HookJobs.AFTER, after, now);
  }

  /** Creates the hook Job of {@code phase}, with exec on the hooks' pods. */
  private void start(BackupPolicy p, HookRun h, String phase, List<Hook> hooks, Instant now) {
    String ns = p.getMetadata().getNamespace();
    Map<String, List<String>> pods = new LinkedHashMap<>();
    List<String> all = new ArrayList<>();
    for (Hook hook : hooks) {
      List<String> of = pods(ns, hook);
      pods.put(hook.name, of);
      of.stream().filter(x -> !all.contains(x)).forEach(all::add);
    }
    String name = HookJobs.name(h.backupJob, phase);
    h.job = name;
    try {
      ExecGrants.ensure(client, p, "hook", name, all);
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(ns)
          .resource(HookJobs.hooks(p, h.backupJob, phase, hooks, pods, cfg))
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // 409: a retried start, the Job exists
        throw e;
      }
    }
    events.normal(
        p,
        Reasons.HOOKS_STARTED,
        phase + " hooks of backup Job " + h.backupJob + " started (Job " + name + ")",
        now);
  }

  /** The pods a hook runs in: the named one, or every running and ready one with its labels. */
  private List<String> pods(String ns, Hook hook) {
    return hook.pod != null ? List.of(hook.pod) : ExecTargets.ready(client, ns, hook.podSelector);
  }

  /**
   * Records the hooks of a phase in the status and an Event; returns what failed the run, or null.
   */
  private String record(
      BackupPolicy p, HookRun h, String phase, JobOutcome o, HooksReport r, Instant now) {
    if (r == null || r.hooks() == null) {
      String why = "hook Job " + h.job + " failed: " + o.message();
      events.warning(p, Reasons.HOOK_FAILED, phase + " " + why, now);
      return why;
    }
    List<String> failed = new ArrayList<>();
    List<String> said = new ArrayList<>();
    for (HooksReport.Hook x : r.hooks()) {
      HookResult res = new HookResult();
      res.phase = phase;
      res.name = x.name();
      res.pod = x.pod();
      res.exitCode = x.exitCode();
      res.error = x.error();
      res.startTime = x.startTime();
      res.durationMs = x.durationMs();
      res.output = tail(x.output());
      h.results.add(res);
      String line =
          x.name()
              + (x.pod() == null ? "" : " in " + x.pod())
              + ": "
              + (x.ok() ? "exit 0" : x.error())
              + " ("
              + x.durationMs()
              + " ms)";
      said.add(line);
      if (!x.ok() && x.failsRun()) {
        failed.add(line);
      }
    }
    String text = phase + " hooks of backup Job " + h.backupJob + ": " + String.join("; ", said);
    if (r.failed() || !failed.isEmpty()) {
      events.warning(p, Reasons.HOOK_FAILED, text, now);
      return String.join("; ", failed);
    }
    events.normal(p, Reasons.HOOKS_SUCCEEDED, text, now);
    return null;
  }

  /** The run failed in its before hooks: status, condition, metric (no backup was taken). */
  private void failRun(BackupPolicy p, BackupPolicyStatus st, String message, Instant now) {
    String job = st.hooks.backupJob;
    RunFailure.record(
        p,
        st,
        Reasons.HOOK_FAILED,
        "backup Job " + job + " not started: " + message,
        job,
        metrics,
        now);
  }

  /** The end of a hook's output, at most what the CLI keeps, whatever the report holds. */
  private static String tail(String output) {
    int kept = HooksReport.Hook.OUTPUT_KEPT;
    return output == null || output.length() <= kept
        ? output
        : output.substring(output.length() - kept);
  }

  private static boolean empty(List<?> l) {
    return l == null || l.isEmpty();
  }
}
