package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestStatus;
import dev.arca.api.v1alpha1.RestoreRequestStatus.Phase;
import dev.arca.controller.Conditions;
import dev.arca.controller.Events;
import dev.arca.controller.ExecGrants;
import dev.arca.controller.JobLookup;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.ProgressWatch;
import dev.arca.controller.Reasons;
import dev.arca.controller.ReconcileErrors;
import dev.arca.controller.RunKind;
import dev.arca.controller.StatusWrite;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.RestoreJobs;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
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

/**
 * Reconciles a RestoreRequest in phases: observe its Job and record what it did ({@link
 * RestoreRecorder}), or validate and start it ({@link RestoreStart}); then write the status. One
 * Job per request; a request that ended is final.
 */
@ControllerConfiguration
public final class RestoreRequestReconciler implements Reconciler<RestoreRequest> {
  private final OperatorConfig cfg;
  private final Clock clock;
  private final ArcaMetrics metrics;

  public RestoreRequestReconciler(OperatorConfig cfg, Clock clock, ArcaMetrics metrics) {
    this.cfg = cfg;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, RestoreRequest>> prepareEventSources(
      EventSourceContext<RestoreRequest> ctx) {
    var jobs =
        InformerEventSourceConfiguration.from(Job.class, RestoreRequest.class)
            .withLabelSelector(Labels.MANAGED_BY + "=arca," + Labels.RESTORE)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(RestoreRequest.class))
            .build();
    return List.of(new InformerEventSource<>(jobs, ctx));
  }

  /** Shows an unexpected failure on the request while JOSDK retries ({@link ReconcileErrors}). */
  @Override
  public ErrorStatusUpdateControl<RestoreRequest> updateErrorStatus(
      RestoreRequest r, Context<RestoreRequest> ctx, Exception e) {
    return ReconcileErrors.record(
        r,
        ctx,
        e,
        RestoreRequestStatus::new,
        st -> st.conditions,
        RestoreRequest::new,
        clock.instant());
  }

  /**
   * Observes the request's Job (one an earlier reconcile started, also when this one does not see
   * that status yet) and records it; without one, validates and starts it ({@link RestoreStart});
   * then writes the status. A request that ended is left alone.
   */
  @Override
  public UpdateControl<RestoreRequest> reconcile(RestoreRequest r, Context<RestoreRequest> ctx) {
    Instant now = clock.instant();
    RestoreRequestStatus st = StatusWrite.copy(ctx, r.getStatus(), RestoreRequestStatus::new);
    ReconcileErrors.clear(st.conditions);
    if (st.phase == Phase.Succeeded || st.phase == Phase.Failed) {
      return UpdateControl.noUpdate();
    }
    Events events = new Events(ctx.getClient());
    if (r.getSpec().targets != null) {
      return fanout(r, st, ctx, events, now);
    }
    if (RestoreParts.applies(r)) {
      new RestoreParts(ctx.getClient(), cfg, events, metrics)
          .reconcile(r, st, ctx.getSecondaryResources(Job.class).stream().toList(), now);
      UpdateControl<RestoreRequest> u = patch(r, st, ctx);
      return st.phase == Phase.Succeeded || st.phase == Phase.Failed
          ? u
          : u.rescheduleAfter(FOLLOW_TARGETS);
    }
    if (st.jobName == null) {
      adopt(r, st, ctx, now);
    }
    if (st.jobName != null) {
      return observe(r, st, ctx, events, now);
    }
    RestoreStart.Outcome started = new RestoreStart(ctx.getClient(), cfg, events).start(r, now);
    if (started.job() == null) {
      return fail(r, st, started.reason(), started.message(), events, now, ctx);
    }
    Job job = started.job();
    markStarted(r, st, started.plan(), job.getMetadata().getName(), now.toString(), now);
    events.normal(
        r,
        Reasons.RESTORE_STARTED,
        "restore Job "
            + st.jobName
            + " started for "
            + st.requestedBy
            + " (recorded in the repository's audit trail): "
            + st.message,
        now);
    return patch(r, st, ctx).rescheduleAfter(WHILE_ACTIVE);
  }

  /**
   * A request with spec.targets: starts one request per target, then follows them ({@link
   * RestoreFanout}).
   */
  private UpdateControl<RestoreRequest> fanout(
      RestoreRequest r,
      RestoreRequestStatus st,
      Context<RestoreRequest> ctx,
      Events events,
      Instant now) {
    RestoreFanout f = new RestoreFanout(ctx.getClient(), events, cfg.restoreFromOtherNamespaces());
    if (st.targets == null) {
      f.start(r, st, now);
    } else {
      f.observe(r, st, now);
    }
    UpdateControl<RestoreRequest> u = patch(r, st, ctx);
    return st.phase == Phase.Succeeded || st.phase == Phase.Failed
        ? u
        : u.rescheduleAfter(FOLLOW_TARGETS);
  }

  /** How often a request with spec.targets looks at its targets' requests. */
  private static final Duration FOLLOW_TARGETS = Duration.ofSeconds(5);

  /** How often a running Job is looked at (progress, a pod that cannot start). */
  private static final Duration WHILE_ACTIVE = Duration.ofSeconds(15);

  /**
   * Takes over the Job an earlier reconcile created: its name is fixed, so if it exists this
   * request was started by a reconcile whose status this one does not see yet (a stale cache, or a
   * crash before the status write).
   */
  private void adopt(
      RestoreRequest r, RestoreRequestStatus st, Context<RestoreRequest> ctx, Instant now) {
    Job started = job(ctx, r, RestoreJobs.jobName(r));
    if (started != null) {
      markStarted(
          r,
          st,
          RestorePlan.resolve(r, ctx.getClient(), cfg.restoreFromOtherNamespaces()),
          started.getMetadata().getName(),
          started.getMetadata().getCreationTimestamp(),
          now);
    }
  }

  /** Looks at the request's Job: records its progress while it runs and its outcome once ended. */
  private UpdateControl<RestoreRequest> observe(
      RestoreRequest r,
      RestoreRequestStatus st,
      Context<RestoreRequest> ctx,
      Events events,
      Instant now) {
    KubernetesClient client = ctx.getClient();
    RestoreRecorder recorder = new RestoreRecorder(client, events, metrics);
    Job job = job(ctx, r, st.jobName);
    if (job == null) {
      String why = "Job " + st.jobName + " was deleted before it ended; its result is unknown";
      recorder.finish(
          r, st, null, new JobOutcome(true, false, Reasons.JOB_DELETED, why, null, null), now);
      return patch(r, st, ctx);
    }
    JobOutcome o =
        JobOutcome.observe(
            client, job, RunKind.RESTORE, now, JobLookup.startTimeout(r.getSpec().job));
    if (!o.finished()) {
      recorder.running(st, o.pod(), now);
      String stalled =
          ProgressWatch.stalled(
              st.progress, o.pod().started(), now, ProgressWatch.timeout(r.getSpec().job));
      if (stalled == null) {
        return patch(r, st, ctx).rescheduleAfter(WHILE_ACTIVE);
      }
      o = JobOutcome.giveUp(client, job, Reasons.PROGRESS_STALLED, stalled);
    }
    if (r.getSpec().pipe != null) { // its exec right on the database pod goes
      ExecGrants.revoke(client, r.getMetadata().getNamespace(), RestoreJobs.jobName(r));
    }
    recorder.finish(r, st, job, o, now);
    return patch(r, st, ctx);
  }

  /** The status of a request whose Job runs. */
  static void markStarted(
      RestoreRequest r,
      RestoreRequestStatus st,
      RestorePlan plan,
      String jobName,
      String startTime,
      Instant now) {
    st.phase = Phase.Pending; // until the Job's pod runs
    st.jobName = jobName;
    st.startTime = startTime;
    st.requestedBy = dev.arca.controller.jobs.Requesters.user(r);
    st.snapshotId =
        plan.before() == null
                && !"latest".equals(plan.snapshot())
                && r.getSpec().checkpoint == null // the Job chooses and reports it
            ? plan.snapshot()
            : null;
    var pipe = r.getSpec().pipe;
    st.message =
        pipe != null
            ? "piping "
                + pipe.path
                + " into the command in "
                + (pipe.pod != null ? "pod " + pipe.pod : "the pod labelled " + pipe.podSelector)
            : "restoring "
                + (r.getSpec().checkpoint == null
                    ? ""
                    : "checkpoint "
                        + r.getSpec().checkpoint
                        + (Boolean.TRUE.equals(r.getSpec().verifyBeforeRestore)
                            ? " (checked first)"
                            : "")
                        + " of ")
                + (plan.source() == null ? "the snapshot" : plan.source())
                + " into PVC "
                + r.getSpec().target.pvc
                + (plan.users() == null
                    ? ""
                    : ", in use by " + plan.users() + " (spec.target.allowInUse)")
                + (plan.node() == null
                    ? ""
                    : ", on node " + plan.node() + " where its ReadWriteOnce volume is in use");
    Conditions.set(
        st.conditions,
        Conditions.READY,
        true,
        Reasons.RESOLVED,
        st.message,
        RestoreRecorder.gen(r),
        now);
  }

  /** A PVC this request created on an earlier reconcile (its label names the request). */
  static boolean createdByThisRequest(PersistentVolumeClaim pvc, RestoreRequest r) {
    return pvc != null
        && pvc.getMetadata().getLabels() != null
        && r.getMetadata().getName().equals(pvc.getMetadata().getLabels().get(Labels.RESTORE));
  }

  private static Job job(Context<RestoreRequest> ctx, RestoreRequest r, String name) {
    return JobLookup.find(
        ctx.getSecondaryResources(Job.class).stream().toList(),
        ctx.getClient(),
        r.getMetadata().getNamespace(),
        name);
  }

  private UpdateControl<RestoreRequest> fail(
      RestoreRequest r,
      RestoreRequestStatus st,
      String reason,
      String message,
      Events events,
      Instant now,
      Context<RestoreRequest> ctx) {
    RestoreRecorder.refused(r, st, reason, message, events, now);
    return patch(r, st, ctx);
  }

  /** Writes the status, so that the next reconcile sees it (see {@link StatusWrite}). */
  private static UpdateControl<RestoreRequest> patch(
      RestoreRequest r, RestoreRequestStatus st, Context<RestoreRequest> ctx) {
    st.observedGeneration = RestoreRecorder.gen(r);
    StatusWrite.write(r, st, ctx, RestoreRequest::new);
    return UpdateControl.noUpdate();
  }
}
