package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.controller.Events;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.Reasons;
import dev.arca.controller.ReconcileErrors;
import dev.arca.controller.ResourceProbe;
import dev.arca.controller.RunKind;
import dev.arca.controller.StatusWrite;
import dev.arca.controller.jobs.BackupRun;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.metrics.ArcaMetrics;
import dev.arca.controller.schedule.Schedule;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reconciles a BackupPolicy in phases: validate the spec without side effects ({@link
 * PolicyValidator}); observe the active Job and record it once it ended, whatever the spec says now
 * ({@link ActiveRun}, which hands ended Jobs to {@link BackupRecorder} and {@link
 * MaintenanceRecorder}); decide what is due (retention after a good backup, a scheduled run,
 * run-now, prune or verify; one Job at a time) and act on it ({@link Launcher}); then write the
 * status and the gauges. Nothing after a side effect throws for a bad spec, so every Job that was
 * started is recorded; an unexpected failure shows as {@code Reconciled=False} ({@link
 * ReconcileErrors}).
 */
@ControllerConfiguration(generationAwareEventProcessing = false)
public final class BackupPolicyReconciler implements Reconciler<BackupPolicy> {
  /** Annotation whose new value starts one backup now, without touching the schedule. */
  public static final String RUN_NOW = "arca.dev/run-now";

  /** How soon a policy that is not Ready is checked again (a Secret or PVC may appear). */
  static final Duration RECHECK = Duration.ofSeconds(10);

  /** When a reconcile that read a stale status comes back (the cache catches up in moments). */
  static final Duration STALE_RETRY = Duration.ofSeconds(1);

  /** How often an active Job is looked at (progress, a pod that cannot start). */
  static final Duration WHILE_ACTIVE = Duration.ofSeconds(15);

  private final OperatorConfig cfg;
  private final Clock clock;
  private final ArcaMetrics metrics;
  private final CatalogRelease catalog = new CatalogRelease();

  public BackupPolicyReconciler(OperatorConfig cfg, Clock clock, ArcaMetrics metrics) {
    this.cfg = cfg;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, BackupPolicy>> prepareEventSources(
      EventSourceContext<BackupPolicy> ctx) {
    var jobs =
        InformerEventSourceConfiguration.from(Job.class, BackupPolicy.class)
            .withLabelSelector(Labels.MANAGED_BY + "=arca," + Labels.POLICY)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(BackupPolicy.class))
            .build();
    return List.of(new InformerEventSource<>(jobs, ctx));
  }

  /** Shows an unexpected failure on the policy while JOSDK retries ({@link ReconcileErrors}). */
  @Override
  public ErrorStatusUpdateControl<BackupPolicy> updateErrorStatus(
      BackupPolicy p, Context<BackupPolicy> ctx, Exception e) {
    return ReconcileErrors.record(
        p,
        ctx,
        e,
        BackupPolicyStatus::new,
        st -> st.conditions,
        BackupPolicy::new,
        clock.instant());
  }

  @Override
  public UpdateControl<BackupPolicy> reconcile(BackupPolicy p, Context<BackupPolicy> ctx) {
    KubernetesClient client = ctx.getClient();
    Events events = new Events(client);
    Instant now = clock.instant();
    BackupPolicyStatus st = StatusWrite.copy(ctx, p.getStatus(), BackupPolicyStatus::new);
    ReconcileErrors.clear(st.conditions);
    Optional<PolicyValidator.Problem> problem =
        new PolicyValidator(new ResourceProbe(client, cfg.checkSecrets()), cfg).validate(p, now);
    catalog.release(client, p);
    List<Job> jobs = ctx.getSecondaryResources(Job.class).stream().toList();
    ActiveRun.Seen seen = new ActiveRun(client, events, metrics, cfg).observe(p, st, jobs, now);
    if (seen.stale()) {
      return UpdateControl.<BackupPolicy>noUpdate().rescheduleAfter(STALE_RETRY);
    }
    boolean copiesLeft = new SnapshotRun(client, events, metrics).sweep(p, st, jobs, now);
    Hooks hooks = new Hooks(client, events, metrics, cfg);
    BackupRun afterBefore = hooks.observe(p, st, jobs, now);
    PolicyState state = new PolicyState(p, st, events, now);
    if (problem.isPresent()) {
      String notReady = "the policy is not Ready: " + problem.get().message();
      if (st.snapshotWait != null) {
        new SnapshotRun(client, events, metrics).abandon(p, st, notReady, now);
      }
      if (afterBefore != null) {
        hooks.abandon(p, st, notReady, now);
      }
      hooks.afterIfDue(p, st, now);
      state.notReady(problem.get());
      state.refuseRunNow("the policy is not Ready: " + problem.get().message());
      state.running(seen.pod());
      gaugesWhileNotReady(p, st, now);
      return patch(p, st, ctx).rescheduleAfter(activeWait(st, copiesLeft, () -> RECHECK));
    }
    BackupPolicySpec spec = p.getSpec();
    Schedule schedule = Schedule.parse(spec.schedule, spec.timeZone); // validated above
    boolean suspended = Boolean.TRUE.equals(spec.suspend);
    state.ready(suspended);
    try {
      act(p, st, seen, afterBefore, hooks, schedule, state, jobs, client, events, now);
    } catch (KubernetesClientException e) {
      // what was observed and started so far is written below; the rest is tried again
      BackupPolicyStatus.Failure f = new BackupPolicyStatus.Failure();
      f.time = now.toString();
      f.reason = Reasons.API_ERROR;
      f.message = "the API server refused a call: " + e.getMessage();
      st.lastFailure = f;
      events.warning(p, f.reason, f.message, now);
    }
    state.running(st.activeJob == null ? null : seen.pod());
    Instant next = suspended ? null : schedule.next(now).orElse(null);
    st.nextScheduleTime = next == null ? null : next.toString();
    gauges(p, st, next, interval(schedule, next));
    return patch(p, st, ctx)
        .rescheduleAfter(activeWait(st, copiesLeft, () -> wait(spec, schedule, now)));
  }

  /** Starts what is due: retention after a good backup, a scheduled run, run-now, maintenance. */
  private void act(
      BackupPolicy p,
      BackupPolicyStatus st,
      ActiveRun.Seen seen,
      BackupRun afterBefore,
      Hooks hooks,
      Schedule schedule,
      PolicyState state,
      List<Job> jobs,
      KubernetesClient client,
      Events events,
      Instant now) {
    BackupPolicySpec spec = p.getSpec();
    boolean suspended = Boolean.TRUE.equals(spec.suspend);
    Launcher launcher = new Launcher(client, events, cfg, metrics, hooks);
    if (afterBefore != null) {
      launcher.afterBeforeHooks(p, st, afterBefore, now);
    }
    if (st.snapshotWait != null) {
      launcher.afterSnapshots(p, st, now);
    }
    hooks.afterIfDue(p, st, now);
    CopyTargets.forgetRemoved(spec, st);
    if (seen.succeededBackup() != null) {
      CopyTargets.backupSucceeded(spec, st, seen.succeededBackup());
    }
    if (seen.succeededBackup() != null && spec.retention != null) {
      launcher.forget(p, st, seen.succeededBackup(), now); // before any other Job of the policy
    }
    trimHistory(client, jobs, spec);
    startDue(p, st, schedule, launcher, events, now, suspended);
    if (suspended) {
      state.refuseRunNow("the policy is suspended (spec.suspend)");
    } else if (state.runNowAsked() && !busy(st)) {
      String value = p.getMetadata().getAnnotations().get(RUN_NOW);
      launcher.backup(p, st, new BackupRun(now, fullRun(spec, st), value), now);
      state.runNowHandled(
          st.activeJob != null ? "started Job " + st.activeJob : "refused: " + failureMessage(st));
    }
    if (!busy(st) && !suspended) {
      maintenance(p, st, launcher, now);
    }
  }

  /**
   * Starts the scheduled run that is due, if any. One that comes due while a Job is active is
   * skipped and counted; while suspended it passes silently.
   */
  private void startDue(
      BackupPolicy p,
      BackupPolicyStatus st,
      Schedule schedule,
      Launcher launcher,
      Events events,
      Instant now,
      boolean suspended) {
    BackupPolicySpec spec = p.getSpec();
    Instant since =
        st.lastScheduleTime != null ? Instant.parse(st.lastScheduleTime) : created(p, now);
    Optional<Instant> due = schedule.due(since, now);
    if (due.isEmpty()) {
      return;
    }
    st.lastScheduleTime = due.get().toString();
    if (suspended) {
      return;
    }
    if (busy(st)) {
      st.skippedRuns = (st.skippedRuns == null ? 0 : st.skippedRuns) + 1;
      events.warning(
          p,
          Reasons.RUN_SKIPPED,
          "run of "
              + due.get()
              + " skipped: "
              + (st.activeJob != null
                  ? "Job " + st.activeJob + " is still running"
                  : "the after hooks of the last run still run"),
          now);
    } else if (tooLate(spec, due.get(), now)) {
      events.warning(
          p, Reasons.RUN_MISSED, "run of " + due.get() + " missed its starting deadline", now);
    } else {
      launcher.backup(p, st, new BackupRun(due.get(), fullRun(spec, st), null), now);
    }
  }

  /**
   * Starts a copyTo target's Job, or a prune or verify run, that is due, when no other Job of the
   * policy, and no ErasureRequest's Job on it, runs. Unlike a backup, a maintenance run that comes
   * due while another Job runs waits for it. Whether an ErasureRequest's Job runs is asked (a
   * listing of Jobs) only once a run is due, at most once per reconcile.
   */
  private void maintenance(BackupPolicy p, BackupPolicyStatus st, Launcher launcher, Instant now) {
    BackupPolicySpec spec = p.getSpec();
    // an ErasureRequest's rewrite or prune runs on this repository: one prune at a time
    java.util.function.BooleanSupplier erasure = new ErasureCheck(launcher, p);
    if (CopyTargets.startDue(p, st, launcher, now, erasure)) {
      return;
    }
    if (spec.prune != null) {
      Optional<Instant> due = due(p, spec.prune.schedule, st.lastPruneScheduleTime, now);
      if (due.isPresent() && erasure.getAsBoolean()) {
        return;
      }
      if (due.isPresent()) {
        st.lastPruneScheduleTime = due.get().toString();
        launcher.maintenance(p, st, RunKind.PRUNE, due.get(), now);
        return;
      }
    }
    if (spec.verify != null) {
      Optional<Instant> due = due(p, spec.verify.schedule, st.lastVerifyScheduleTime, now);
      if (due.isPresent() && erasure.getAsBoolean()) {
        return;
      }
      if (due.isPresent()) {
        st.lastVerifyScheduleTime = due.get().toString();
        launcher.maintenance(p, st, RunKind.VERIFY, due.get(), now);
      }
    }
  }

  /** Whether an ErasureRequest's Job runs on the policy's repository, asked at most once. */
  private static final class ErasureCheck implements java.util.function.BooleanSupplier {
    private final Launcher launcher;
    private final BackupPolicy policy;
    private Boolean running;

    ErasureCheck(Launcher launcher, BackupPolicy policy) {
      this.launcher = launcher;
      this.policy = policy;
    }

    @Override
    public boolean getAsBoolean() {
      if (running == null) {
        running = launcher.erasureRunning(policy);
      }
      return running;
    }
  }

  /** When {@code schedule} came due since {@code last} (else the policy's creation), if it did. */
  static Optional<Instant> due(BackupPolicy p, String schedule, String last, Instant now) {
    Instant from = last != null ? Instant.parse(last) : created(p, now);
    return Schedule.parse(schedule, p.getSpec().timeZone).due(from, now);
  }

  /** Deletes finished Jobs beyond the history limits; a failure to do so waits for next time. */
  private static void trimHistory(KubernetesClient client, List<Job> jobs, BackupPolicySpec spec) {
    try {
      JobHistory.trim(client, jobs, spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit);
    } catch (KubernetesClientException e) {
      // old Jobs stay a little longer
    }
  }

  /**
   * When to look again while a run is active (sooner while its VolumeSnapshots are taken), or while
   * VolumeSnapshots and temporary PVCs of ended runs are still there.
   */
  private static Duration activeWait(
      BackupPolicyStatus st, boolean copiesLeft, Supplier<Duration> idle) {
    if (st.snapshotWait != null) {
      return SnapshotRun.WHILE_WAITING;
    }
    Duration d =
        st.activeJob != null || (st.hooks != null && st.hooks.job != null)
            ? WHILE_ACTIVE
            : idle.get();
    return copiesLeft && d.compareTo(RECHECK) > 0 ? RECHECK : d;
  }

  /** Whether a run is under way: a Job, or the after hooks of the last run. */
  private static boolean busy(BackupPolicyStatus st) {
    return st.activeJob != null || Hooks.afterRunning(st);
  }

  /** When to look again: the next backup, prune or verify time, at most a day away. */
  private static Duration wait(BackupPolicySpec spec, Schedule schedule, Instant now) {
    Instant wake = now.plus(Duration.ofDays(1));
    wake = earliest(wake, schedule.next(now));
    if (spec.prune != null) {
      wake = earliest(wake, Schedule.parse(spec.prune.schedule, spec.timeZone).next(now));
    }
    if (spec.verify != null) {
      wake = earliest(wake, Schedule.parse(spec.verify.schedule, spec.timeZone).next(now));
    }
    wake = CopyTargets.nextWake(spec, wake, now);
    return Duration.between(now, wake).plusSeconds(1);
  }

  private static Instant earliest(Instant a, Optional<Instant> b) {
    return b.isPresent() && b.get().isBefore(a) ? b.get() : a;
  }

  /** The time between the next run and the one after it (what the overdue alert allows). */
  private static Duration interval(Schedule schedule, Instant next) {
    if (next == null) {
      return Duration.ZERO;
    }
    return schedule.next(next).map(after -> Duration.between(next, after)).orElse(Duration.ZERO);
  }

  /**
   * The gauges of a policy that is not Ready: its backups are still expected at its schedule's pace
   * (when that much of the spec is usable), so the overdue alert fires while it stays broken.
   */
  private void gaugesWhileNotReady(BackupPolicy p, BackupPolicyStatus st, Instant now) {
    Instant next = null;
    Duration interval = Duration.ZERO;
    try {
      Schedule schedule = Schedule.parse(p.getSpec().schedule, p.getSpec().timeZone);
      next = schedule.next(now).orElse(null);
      interval = interval(schedule, next);
    } catch (IllegalArgumentException unusable) {
      // no pace to expect backups at
    }
    gauges(p, st, next, Boolean.TRUE.equals(p.getSpec().suspend) ? Duration.ZERO : interval);
  }

  private void gauges(BackupPolicy p, BackupPolicyStatus st, Instant next, Duration interval) {
    Instant ok = st.lastBackup == null ? null : Instant.parse(st.lastBackup.completionTime);
    boolean failed =
        st.lastFailure != null && (ok == null || Instant.parse(st.lastFailure.time).isAfter(ok));
    boolean damage =
        st.lastVerification != null
            && st.lastVerification.damagedObjects != null
            && st.lastVerification.damagedObjects > 0;
    String created = p.getMetadata().getCreationTimestamp();
    metrics.policy(
        p.getMetadata().getNamespace(),
        p.getMetadata().getName(),
        p.getMetadata().getUid(),
        created == null ? null : Instant.parse(created),
        ok,
        failed,
        next == null ? Duration.ZERO : interval,
        damage);
  }

  /** The first backup is full (it has no parent anyway); then every fullEvery-th. */
  static boolean fullRun(BackupPolicySpec spec, BackupPolicyStatus st) {
    if (st.lastBackup == null) {
      return true;
    }
    long since = st.backupsSinceFull == null ? 0 : st.backupsSinceFull;
    return spec.fullEvery != null && since + 1 >= spec.fullEvery;
  }

  private static boolean tooLate(BackupPolicySpec spec, Instant due, Instant now) {
    return spec.startingDeadlineSeconds != null
        && Duration.between(due, now).getSeconds() > spec.startingDeadlineSeconds;
  }

  private static Instant created(BackupPolicy p, Instant now) {
    String c = p.getMetadata().getCreationTimestamp();
    return c == null ? now : Instant.parse(c);
  }

  private static String failureMessage(BackupPolicyStatus st) {
    return st.lastFailure == null ? "no Job was started" : st.lastFailure.message;
  }

  /** Writes the status, so that the next reconcile sees it (see {@link StatusWrite}). */
  private static UpdateControl<BackupPolicy> patch(
      BackupPolicy p, BackupPolicyStatus st, Context<BackupPolicy> ctx) {
    StatusWrite.write(p, st, ctx, BackupPolicy::new);
    return UpdateControl.noUpdate();
  }
}
