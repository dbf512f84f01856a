package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.Progress;
import dev.arca.controller.Conditions;
import dev.arca.controller.Events;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.ProgressReader;
import dev.arca.controller.ResourceProbe;
import dev.arca.controller.jobs.BackupJobs;
import dev.arca.controller.jobs.BackupRun;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.MaintenanceJobs;
import dev.arca.controller.metrics.ArcaMetrics;
import dev.arca.controller.schedule.Schedule;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
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

/**
 * Reconciles a BackupPolicy: observe its Jobs, validate the spec, record a finished Job, start a
 * due run (one Job at a time: a run due while one is active is skipped and counted), patch status
 * and come back at the next due time.
 */
@ControllerConfiguration(generationAwareEventProcessing = false)
public final class BackupPolicyReconciler implements Reconciler<BackupPolicy> {
  /** Annotation whose new value starts one backup now, without touching the schedule. */
  public static final String RUN_NOW = "arca.dev/run-now";

  private final OperatorConfig cfg;
  private final Clock clock;
  private final ArcaMetrics metrics;

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

  @Override
  public UpdateControl<BackupPolicy> reconcile(BackupPolicy p, Context<BackupPolicy> ctx) {
    var client = ctx.getClient();
    Events events = new Events(client);
    Instant now = clock.instant();
    long gen = p.getMetadata().getGeneration() == null ? 0 : p.getMetadata().getGeneration();
    BackupPolicyStatus st = p.getStatus() == null ? new BackupPolicyStatus() : p.getStatus();
    Optional<PolicyValidator.Problem> problem =
        new PolicyValidator(
                new ResourceProbe(client, cfg.checkSecrets()), !cfg.dumpExecClusterRole().isBlank())
            .validate(p);
    if (problem.isPresent()) {
      PolicyValidator.Problem pr = problem.get();
      boolean news =
          !pr.message().equals(readyMessage(st))
              || !Long.valueOf(gen).equals(st.observedGeneration);
      Conditions.set(st.conditions, "Ready", false, pr.reason(), pr.message(), gen, now);
      st.observedGeneration = gen;
      st.nextScheduleTime = null;
      if (news) {
        events.warning(p, pr.reason(), pr.message(), now);
      }
      return patch(p, st).rescheduleAfter(Duration.ofMinutes(1)); // a missing PVC may appear
    }
    BackupPolicySpec spec = p.getSpec();
    Schedule schedule = Schedule.parse(spec.schedule, spec.timeZone);
    Conditions.set(
        st.conditions, "Ready", true, "Scheduled", "schedule " + spec.schedule, gen, now);
    st.observedGeneration = gen;

    List<Job> jobs = ctx.getSecondaryResources(Job.class).stream().toList();
    if (st.activeJob != null) {
      Job active =
          jobs.stream()
              .filter(j -> st.activeJob.equals(j.getMetadata().getName()))
              .findFirst()
              .orElse(null);
      if (active != null) {
        String kind = active.getMetadata().getLabels().getOrDefault(Labels.RUN, "backup");
        JobOutcome o = JobOutcome.of(active, client, kind);
        if (!o.finished() && kind.equals("backup")) {
          Progress progress = ProgressReader.read(client, active, now);
          if (progress != null) {
            st.progress = progress;
          }
        }
        if (o.finished()) {
          st.activeJob = null;
          st.progress = null;
          if (!kind.equals("backup")) {
            new MaintenanceRecorder(client, events, metrics).record(p, st, active, kind, o, now);
          } else {
            new BackupRecorder(client, events, metrics).record(p, st, active, o, now);
            if (o.succeeded() && spec.retention != null) {
              // Retention right after a good backup, before any other Job of this policy.
              Job forget = MaintenanceJobs.forget(p, active.getMetadata().getName(), cfg);
              create(client, forget);
              st.activeJob = forget.getMetadata().getName();
              events.normal(p, "RetentionStarted", "forget Job " + st.activeJob + " started", now);
            }
          }
        }
      }
    }

    JobHistory.trim(client, jobs, spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit);
    Instant since =
        st.lastScheduleTime != null ? Instant.parse(st.lastScheduleTime) : created(p, now);
    Optional<Instant> due = schedule.due(since, now);
    String runNow =
        p.getMetadata().getAnnotations() == null
            ? null
            : p.getMetadata().getAnnotations().get(RUN_NOW);
    boolean runNowAsked = runNow != null && !runNow.equals(st.lastRunNowRequest);
    boolean suspended = Boolean.TRUE.equals(spec.suspend);
    if (due.isPresent()) {
      st.lastScheduleTime = due.get().toString();
      if (st.activeJob != null || suspended) {
        if (st.activeJob != null) {
          st.skippedRuns = (st.skippedRuns == null ? 0 : st.skippedRuns) + 1;
          events.warning(
              p,
              "RunSkipped",
              "run of " + due.get() + " skipped: Job " + st.activeJob + " is still running",
              now);
        }
      } else if (tooLate(spec, due.get(), now)) {
        events.warning(
            p, "RunMissed", "run of " + due.get() + " missed its starting deadline", now);
      } else {
        start(p, st, new BackupRun(due.get(), fullRun(spec, st), null), client, events, now);
      }
    }
    if (runNowAsked && st.activeJob == null) {
      st.lastRunNowRequest = runNow;
      start(p, st, new BackupRun(now, fullRun(spec, st), runNow), client, events, now);
    }
    if (st.activeJob == null && !suspended) {
      maintenance(p, st, client, events, now);
    }
    Conditions.set(
        st.conditions,
        "Running",
        st.activeJob != null,
        st.activeJob != null ? "JobActive" : "Idle",
        st.activeJob != null ? "Job " + st.activeJob + " is running" : "no Job is running",
        gen,
        now);
    Instant next = schedule.next(now);
    st.nextScheduleTime = suspended ? null : next.toString();
    gauges(p, st, suspended ? Duration.ZERO : Duration.between(next, schedule.next(next)));
    Instant wake = next;
    if (spec.prune != null) {
      wake = earliest(wake, Schedule.parse(spec.prune.schedule, spec.timeZone).next(now));
    }
    if (spec.verify != null) {
      wake = earliest(wake, Schedule.parse(spec.verify.schedule, spec.timeZone).next(now));
    }
    Duration wait = Duration.between(now, wake).plusSeconds(1);
    return patch(p, st).rescheduleAfter(st.activeJob != null ? Duration.ofSeconds(15) : wait);
  }

  private void start(
      BackupPolicy p,
      BackupPolicyStatus st,
      BackupRun run,
      io.fabric8.kubernetes.client.KubernetesClient client,
      Events events,
      Instant now) {
    String ns = p.getMetadata().getNamespace();
    Placement place =
        Placement.of(
            client,
            ns,
            p.getSpec().sources.stream().filter(s -> s.pvc != null).map(s -> s.pvc).toList());
    if (place.problem() != null) {
      BackupPolicyStatus.Failure f = new BackupPolicyStatus.Failure();
      f.time = now.toString();
      f.reason = "PlacementConflict";
      f.message = "run of " + run.time() + " not started: " + place.problem();
      st.lastFailure = f;
      events.warning(p, f.reason, f.message, now);
      return;
    }
    if (p.getSpec().sources.stream().anyMatch(s -> s.dump != null)) {
      dev.arca.controller.ExecGrants.ensure(client, p, "dump", cfg.dumpExecClusterRole());
    }
    Job job = BackupJobs.backup(p, run, cfg, place.node());
    String name = job.getMetadata().getName();
    create(client, job);
    st.activeJob = name;
    events.normal(
        p,
        "BackupStarted",
        (run.full() ? "full" : "incremental")
            + " backup Job "
            + name
            + " started"
            + (place.node() == null
                ? ""
                : " on node " + place.node() + ", where its ReadWriteOnce volume is in use"),
        now);
  }

  /**
   * Starts a prune or verify run that is due, when no other Job of the policy runs. Unlike a
   * backup, a maintenance run that comes due while another Job runs waits for it.
   */
  private void maintenance(
      BackupPolicy p,
      BackupPolicyStatus st,
      io.fabric8.kubernetes.client.KubernetesClient client,
      Events events,
      Instant now) {
    BackupPolicySpec spec = p.getSpec();
    if (spec.prune != null
        && startIfDue(
            p, st, "prune", spec.prune.schedule, st.lastPruneScheduleTime, client, events, now)) {
      return;
    }
    if (spec.verify != null) {
      startIfDue(
          p, st, "verify", spec.verify.schedule, st.lastVerifyScheduleTime, client, events, now);
    }
  }

  /** Starts a {@code kind} Job if its schedule has a run due since {@code last}. */
  private boolean startIfDue(
      BackupPolicy p,
      BackupPolicyStatus st,
      String kind,
      String schedule,
      String last,
      io.fabric8.kubernetes.client.KubernetesClient client,
      Events events,
      Instant now) {
    Instant from = last != null ? Instant.parse(last) : created(p, now);
    Optional<Instant> due = Schedule.parse(schedule, p.getSpec().timeZone).due(from, now);
    if (due.isEmpty()) {
      return false;
    }
    Job job;
    if (kind.equals("prune")) {
      st.lastPruneScheduleTime = due.get().toString();
      job = MaintenanceJobs.prune(p, due.get(), cfg);
    } else {
      st.lastVerifyScheduleTime = due.get().toString();
      job = MaintenanceJobs.verify(p, due.get(), cfg);
    }
    create(client, job);
    st.activeJob = job.getMetadata().getName();
    events.normal(
        p,
        kind.substring(0, 1).toUpperCase() + kind.substring(1) + "Started",
        kind + " Job " + st.activeJob + " started",
        now);
    return true;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** Creates a Job unless it exists: names are deterministic, so a repeated reconcile is safe. */
  private void gauges(BackupPolicy p, BackupPolicyStatus st, Duration interval) {
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
        interval,
        damage);
  }

  private static void create(io.fabric8.kubernetes.client.KubernetesClient client, Job job) {
    var jobs = client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace());
    if (jobs.withName(job.getMetadata().getName()).get() == null) {
      jobs.resource(job).create();
    }
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

  private static String readyMessage(BackupPolicyStatus st) {
    return st.conditions.stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(c -> c.getMessage())
        .findFirst()
        .orElse(null);
  }

  private static UpdateControl<BackupPolicy> patch(BackupPolicy p, BackupPolicyStatus st) {
    BackupPolicy out = new BackupPolicy();
    out.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(p.getMetadata().getName())
            .withNamespace(p.getMetadata().getNamespace())
            .build());
    out.setStatus(st);
    return UpdateControl.patchStatus(out);
  }
}
