package dev.arca.controller.catalog;

import dev.arca.api.v1alpha1.SnapshotCatalog;
import dev.arca.api.v1alpha1.SnapshotCatalogSpec;
import dev.arca.api.v1alpha1.SnapshotCatalogStatus;
import dev.arca.contract.SnapshotsReport;
import dev.arca.controller.Conditions;
import dev.arca.controller.Events;
import dev.arca.controller.JobLookup;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.Reasons;
import dev.arca.controller.ReconcileErrors;
import dev.arca.controller.ResourceProbe;
import dev.arca.controller.RunKind;
import dev.arca.controller.StatusWrite;
import dev.arca.controller.jobs.CatalogJobs;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.schedule.InvalidScheduleException;
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
import java.util.Map;
import java.util.Optional;

/**
 * Reconciles a SnapshotCatalog in phases: observe its import Job and, once it ended, mirror its
 * report into Snapshot objects ({@link CatalogImport}); validate the spec (Secrets, whose snapshots
 * it may import, the schedule); start an import when one is due (a new spec generation, a new
 * arca.dev/run-now value, the schedule); then write the status.
 */
@ControllerConfiguration(generationAwareEventProcessing = false)
public final class SnapshotCatalogReconciler implements Reconciler<SnapshotCatalog> {
  /** Annotation whose new value imports again now. */
  public static final String RUN_NOW = "arca.dev/run-now";

  static final Duration WHILE_ACTIVE = Duration.ofSeconds(15);
  static final Duration RECHECK = Duration.ofSeconds(10);

  private final OperatorConfig cfg;
  private final Clock clock;

  public SnapshotCatalogReconciler(OperatorConfig cfg, Clock clock) {
    this.cfg = cfg;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, SnapshotCatalog>> prepareEventSources(
      EventSourceContext<SnapshotCatalog> ctx) {
    var jobs =
        InformerEventSourceConfiguration.from(Job.class, SnapshotCatalog.class)
            .withLabelSelector(Labels.MANAGED_BY + "=arca," + Labels.CATALOG)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(SnapshotCatalog.class))
            .build();
    return List.of(new InformerEventSource<>(jobs, ctx));
  }

  @Override
  public ErrorStatusUpdateControl<SnapshotCatalog> updateErrorStatus(
      SnapshotCatalog c, Context<SnapshotCatalog> ctx, Exception e) {
    return ReconcileErrors.record(
        c,
        ctx,
        e,
        SnapshotCatalogStatus::new,
        st -> st.conditions,
        SnapshotCatalog::new,
        clock.instant());
  }

  @Override
  public UpdateControl<SnapshotCatalog> reconcile(SnapshotCatalog c, Context<SnapshotCatalog> ctx) {
    KubernetesClient client = ctx.getClient();
    Events events = new Events(client);
    Instant now = clock.instant();
    SnapshotCatalogStatus st = StatusWrite.copy(ctx, c.getStatus(), SnapshotCatalogStatus::new);
    ReconcileErrors.clear(st.conditions);
    if (st.activeJob != null) {
      observe(c, st, ctx, events, now);
      if (st.activeJob != null) {
        return patch(c, st, ctx).rescheduleAfter(WHILE_ACTIVE);
      }
    }
    Optional<String[]> problem = problem(c, client, now);
    if (problem.isPresent()) {
      ready(c, st, false, problem.get()[0], problem.get()[1], now);
      return patch(c, st, ctx).rescheduleAfter(RECHECK);
    }
    String trigger = due(c, st, now);
    if (trigger != null) {
      start(c, st, client, events, trigger, now);
    }
    UpdateControl<SnapshotCatalog> u = patch(c, st, ctx);
    if (st.activeJob != null) {
      return u.rescheduleAfter(WHILE_ACTIVE);
    }
    Optional<Instant> next =
        c.getSpec().schedule == null
            ? Optional.empty()
            : Schedule.parse(c.getSpec().schedule, null).next(now);
    return next.map(n -> u.rescheduleAfter(Duration.between(now, n).plusSeconds(1))).orElse(u);
  }

  /** The active import Job: once it ended, its report becomes Snapshot objects and status. */
  private void observe(
      SnapshotCatalog c,
      SnapshotCatalogStatus st,
      Context<SnapshotCatalog> ctx,
      Events events,
      Instant now) {
    KubernetesClient client = ctx.getClient();
    List<Job> cached = ctx.getSecondaryResources(Job.class).stream().toList();
    Job job = JobLookup.find(cached, client, c.getMetadata().getNamespace(), st.activeJob);
    if (job == null) {
      failed(
          c, st, events, Reasons.JOB_DELETED, "import Job " + st.activeJob + " was deleted", now);
      st.activeJob = null;
      return;
    }
    JobOutcome o =
        JobOutcome.observe(
            client, job, RunKind.IMPORT, now, JobLookup.startTimeout(c.getSpec().job));
    if (!o.finished()) {
      return;
    }
    st.activeJob = null;
    SnapshotsReport r = o.result() == null ? null : o.result().as(SnapshotsReport.class);
    // exit 3 with a report: snapshots that cannot be read, named in the Job's log; the rest count
    if (r == null || r.snapshots() == null || o.result().isUnavailable()) {
      failed(c, st, events, Reasons.IMPORT_FAILED, "import Job failed: " + o.message(), now);
      return;
    }
    CatalogImport.Result done = new CatalogImport(client).apply(c, r);
    int unreadable = r.unreadable() == null ? 0 : r.unreadable().size();
    st.lastImportTime = now.toString();
    st.snapshots = (long) done.snapshots();
    st.unreadable = (long) unreadable;
    st.message =
        done.snapshots()
            + " snapshots ("
            + done.created()
            + " new, "
            + done.deleted()
            + " gone from the repository)"
            + (unreadable == 0
                ? ""
                : "; "
                    + unreadable
                    + " snapshots cannot be read, see Job "
                    + job.getMetadata().getName())
            + (done.notListed().isEmpty()
                ? ""
                : "; "
                    + done.notListed().size()
                    + " have no Snapshot object, the first: "
                    + done.notListed().get(0));
    ready(c, st, true, Reasons.IMPORT_SUCCEEDED, st.message, now);
    if (unreadable == 0 && done.notListed().isEmpty()) {
      events.normal(c, Reasons.IMPORT_SUCCEEDED, st.message, now);
    } else {
      events.warning(c, Reasons.IMPORT_SUCCEEDED, st.message, now);
    }
  }

  /** What stops the catalog, as {reason, message}, or empty. */
  private Optional<String[]> problem(SnapshotCatalog c, KubernetesClient client, Instant now) {
    SnapshotCatalogSpec s = c.getSpec();
    String ns = c.getMetadata().getNamespace();
    if (s == null || s.repository == null || s.repository.url == null) {
      return Optional.of(
          new String[] {Reasons.INVALID_SPEC, "spec.repository: give the repository"});
    }
    if (s.from != null && !s.from.namespace.equals(ns) && !cfg.restoreFromOtherNamespaces()) {
      return Optional.of(
          new String[] {
            Reasons.CROSS_NAMESPACE_RESTORE_NOT_ALLOWED,
            "spec.from.namespace: importing the snapshots of namespace "
                + s.from.namespace
                + " into "
                + ns
                + " is for a cluster admin to allow (the chart's restores.fromOtherNamespaces)"
          });
    }
    if (s.schedule != null) {
      try {
        Schedule.parse(s.schedule, null).checkFires(now);
      } catch (InvalidScheduleException e) {
        return Optional.of(new String[] {Reasons.INVALID_SCHEDULE, "spec." + e.getMessage()});
      }
    }
    try {
      String missing =
          new ResourceProbe(client, cfg.checkSecrets())
              .missingRepositorySecret(s.repository, ns, "spec.repository");
      return missing == null
          ? Optional.empty()
          : Optional.of(new String[] {Reasons.MISSING_SECRET, missing});
    } catch (KubernetesClientException e) {
      return Optional.of(
          new String[] {Reasons.CHECK_FAILED, "could not check the Secrets: " + e.getMessage()});
    }
  }

  /** What makes an import due now (its Job's name comes from it), or null. */
  private static String due(SnapshotCatalog c, SnapshotCatalogStatus st, Instant now) {
    long generation = c.getMetadata().getGeneration() == null ? 0 : c.getMetadata().getGeneration();
    if (st.observedGeneration == null || st.observedGeneration != generation) {
      st.observedGeneration = generation;
      return "generation " + generation;
    }
    Map<String, String> a = c.getMetadata().getAnnotations();
    String runNow = a == null ? null : a.get(RUN_NOW);
    if (runNow != null && !runNow.equals(st.lastRunNowRequest)) {
      st.lastRunNowRequest = runNow;
      return "run-now " + runNow;
    }
    if (c.getSpec().schedule != null) {
      String created = c.getMetadata().getCreationTimestamp();
      Instant from =
          st.lastScheduleTime != null
              ? Instant.parse(st.lastScheduleTime)
              : created == null ? now : Instant.parse(created);
      Optional<Instant> due = Schedule.parse(c.getSpec().schedule, null).due(from, now);
      if (due.isPresent()) {
        st.lastScheduleTime = due.get().toString();
        return "schedule " + due.get();
      }
    }
    return null;
  }

  private void start(
      SnapshotCatalog c,
      SnapshotCatalogStatus st,
      KubernetesClient client,
      Events events,
      String trigger,
      Instant now) {
    Job job = CatalogJobs.importJob(c, trigger, cfg);
    String ns = c.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    try {
      if (client.batch().v1().jobs().inNamespace(ns).withName(name).get() == null) {
        client.batch().v1().jobs().inNamespace(ns).resource(job).create();
        events.normal(c, Reasons.IMPORT_STARTED, "import Job " + name + " started", now);
      }
      st.activeJob = name;
    } catch (KubernetesClientException e) {
      failed(
          c,
          st,
          events,
          Reasons.JOB_NOT_CREATED,
          "Job " + name + " was refused by the API server: " + e.getMessage(),
          now);
    }
  }

  private static void ready(
      SnapshotCatalog c,
      SnapshotCatalogStatus st,
      boolean ok,
      String reason,
      String message,
      Instant now) {
    long generation = c.getMetadata().getGeneration() == null ? 0 : c.getMetadata().getGeneration();
    Conditions.set(st.conditions, Conditions.READY, ok, reason, message, generation, now);
  }

  private static void failed(
      SnapshotCatalog c,
      SnapshotCatalogStatus st,
      Events events,
      String reason,
      String message,
      Instant now) {
    st.message = message;
    ready(c, st, false, reason, message, now);
    events.warning(c, reason, message, now);
  }

  private static UpdateControl<SnapshotCatalog> patch(
      SnapshotCatalog c, SnapshotCatalogStatus st, Context<SnapshotCatalog> ctx) {
    StatusWrite.write(c, st, ctx, SnapshotCatalog::new);
    return UpdateControl.noUpdate();
  }
}
