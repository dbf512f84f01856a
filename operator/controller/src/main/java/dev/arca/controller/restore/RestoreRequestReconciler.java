package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestStatus;
import dev.arca.api.v1alpha1.RestoreRequestStatus.Phase;
import dev.arca.contract.RestoreReport;
import dev.arca.controller.Conditions;
import dev.arca.controller.Events;
import dev.arca.controller.JobLookup;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.JobPod;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.ProgressReader;
import dev.arca.controller.Reasons;
import dev.arca.controller.ReconcileErrors;
import dev.arca.controller.ResourceProbe;
import dev.arca.controller.RunKind;
import dev.arca.controller.Sizes;
import dev.arca.controller.StatusWrite;
import dev.arca.controller.VolumeUse;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.RestoreJobs;
import dev.arca.controller.jobs.SecurityContexts;
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

/** Reconciles a RestoreRequest: resolve, create the target PVC if asked, run one Job, report. */
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

  @Override
  public UpdateControl<RestoreRequest> reconcile(RestoreRequest r, Context<RestoreRequest> ctx) {
    KubernetesClient client = ctx.getClient();
    Events events = new Events(client);
    Instant now = clock.instant();
    RestoreRequestStatus st = StatusWrite.copy(ctx, r.getStatus(), RestoreRequestStatus::new);
    ReconcileErrors.clear(st.conditions);
    if (st.phase == Phase.Succeeded || st.phase == Phase.Failed) {
      return UpdateControl.noUpdate();
    }
    if (st.jobName == null) {
      // The Job's name is fixed: if it exists, this request was started by an earlier reconcile
      // whose status this one does not see yet (a stale cache, or a crash before the status patch).
      Job started = job(ctx, client, r, RestoreJobs.jobName(r));
      if (started != null) {
        markStarted(
            r,
            st,
            RestorePlan.resolve(r, client, cfg.restoreFromOtherNamespaces()),
            started.getMetadata().getName(),
            started.getMetadata().getCreationTimestamp(),
            now);
      }
    }
    if (st.jobName != null) {
      Job job = job(ctx, client, r, st.jobName);
      if (job == null) {
        String why = "Job " + st.jobName + " was deleted before it ended; its result is unknown";
        finish(
            r,
            st,
            null,
            new JobOutcome(true, false, Reasons.JOB_DELETED, why, null, null),
            events,
            now);
        return patch(r, st, ctx);
      }
      JobOutcome o =
          JobOutcome.observe(
              client, job, RunKind.RESTORE, now, JobLookup.startTimeout(r.getSpec().job));
      if (!o.finished()) {
        running(r, st, o.pod(), client, now);
        return patch(r, st, ctx).rescheduleAfter(Duration.ofSeconds(15));
      }
      if (r.getSpec().pipe != null) { // its exec right on the database pod goes
        dev.arca.controller.ExecGrants.revoke(
            client, r.getMetadata().getNamespace(), RestoreJobs.jobName(r));
      }
      finish(r, st, job, o, events, now);
      return patch(r, st, ctx);
    }
    var refused = SecurityContexts.refusal(cfg, r.getSpec().job);
    if (refused.isPresent()) {
      return fail(r, st, SecurityContexts.REFUSED, refused.get(), events, now, ctx);
    }
    RestorePlan plan = RestorePlan.resolve(r, client, cfg.restoreFromOtherNamespaces());
    String ns = r.getMetadata().getNamespace();
    ResourceProbe probe = new ResourceProbe(client, cfg.checkSecrets());
    boolean pipe = r.getSpec().pipe != null;
    PersistentVolumeClaim target =
        plan.ok() && !pipe ? probe.pvc(ns, r.getSpec().target.pvc) : null;
    // who uses the target; not this request's own Job's pods (a PVC it created is used by no one
    // else unless someone started a pod on it since)
    VolumeUse use =
        target == null
            ? null
            : VolumeUse.of(
                r.getSpec().target.pvc,
                target,
                VolumeUse.unfinishedPods(
                    client, ns, VolumeUse.arcaPods(Labels.RESTORE, r.getMetadata().getName())));
    if (plan.ok()) {
      plan =
          pipe
              ? TargetCheck.checkPipe(plan, cfg.dumpsAllowedIn(ns), probe, ns)
              : TargetCheck.check(r, plan, target, use, probe);
    }
    if (!plan.ok()) {
      return fail(r, st, plan.problemReason(), plan.problem(), events, now, ctx);
    }
    String pod = null;
    if (pipe) {
      // the dump goes into a command in a pod: the Job's own account may exec there, and only there
      pod = dev.arca.controller.ExecTargets.pod(client, ns, r.getSpec().pipe);
      if (pod == null) {
        return fail(
            r,
            st,
            Reasons.POD_NOT_FOUND,
            dev.arca.controller.ExecTargets.noPod("spec.pipe", ns, r.getSpec().pipe),
            events,
            now,
            ctx);
      }
      dev.arca.controller.ExecGrants.ensure(
          client, r, "pipe", RestoreJobs.jobName(r), java.util.List.of(pod));
    } else if (r.getSpec().target.createPVC != null && target == null) {
      // TargetCheck let an existing PVC through only if this request made it
      PersistentVolumeClaim pvc = RestoreJobs.targetPvc(r, plan.bytes());
      client.persistentVolumeClaims().inNamespace(ns).resource(pvc).create();
      events.normal(
          r,
          "PVCCreated",
          "created PVC "
              + pvc.getMetadata().getName()
              + " of "
              + pvc.getSpec().getResources().getRequests().get("storage"),
          now);
    }
    Job job =
        pipe
            ? RestoreJobs.pipe(
                r, plan.repository(), plan.snapshot(), plan.before(), plan.among(), pod, cfg)
            : RestoreJobs.restore(
                r,
                plan.repository(),
                plan.snapshot(),
                plan.before(),
                plan.among(),
                plan.source(),
                plan.node(),
                cfg);
    try {
      client.batch().v1().jobs().inNamespace(ns).resource(job).create();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      String why =
          "Job "
              + job.getMetadata().getName()
              + " was refused by the API server: "
              + e.getMessage();
      return fail(r, st, Reasons.JOB_NOT_CREATED, why, events, now, ctx);
    }
    markStarted(r, st, plan, job.getMetadata().getName(), now.toString(), now);
    events.normal(
        r, Reasons.RESTORE_STARTED, "restore Job " + st.jobName + " started: " + st.message, now);
    return patch(r, st, ctx).rescheduleAfter(Duration.ofSeconds(15));
  }

  /** The status of a request whose Job runs. */
  private static void markStarted(
      RestoreRequest r,
      RestoreRequestStatus st,
      RestorePlan plan,
      String jobName,
      String startTime,
      Instant now) {
    st.phase = Phase.Pending; // until the Job's pod runs
    st.jobName = jobName;
    st.startTime = startTime;
    st.snapshotId =
        plan.before() == null && !"latest".equals(plan.snapshot()) ? plan.snapshot() : null;
    var pipe = r.getSpec().pipe;
    st.message =
        pipe != null
            ? "piping "
                + pipe.path
                + " into the command in "
                + (pipe.pod != null ? "pod " + pipe.pod : "the pod labelled " + pipe.podSelector)
            : "restoring "
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
        st.conditions, Conditions.READY, true, Reasons.RESOLVED, st.message, gen(r), now);
  }

  /** A PVC this request created on an earlier reconcile (its label names the request). */
  static boolean createdByThisRequest(PersistentVolumeClaim pvc, RestoreRequest r) {
    return pvc != null
        && pvc.getMetadata().getLabels() != null
        && r.getMetadata().getName().equals(pvc.getMetadata().getLabels().get(Labels.RESTORE));
  }

  private static Job job(
      Context<RestoreRequest> ctx, KubernetesClient client, RestoreRequest r, String name) {
    return JobLookup.find(
        ctx.getSecondaryResources(Job.class).stream().toList(),
        client,
        r.getMetadata().getNamespace(),
        name);
  }

  /** Pending until the Job's pod runs, then Running with the progress its log shows. */
  private static void running(
      RestoreRequest r, RestoreRequestStatus st, JobPod pod, KubernetesClient client, Instant now) {
    if (!pod.running()) {
      st.phase = Phase.Pending;
      st.message =
          "Job "
              + st.jobName
              + " is waiting to start: "
              + (pod.pod() == null
                  ? "its pod has not been created yet"
                  : pod.waiting() == null ? "its pod is pending" : pod.waiting());
      return;
    }
    st.phase = Phase.Running;
    // what the Ready condition says the request resolved to: "restoring ... into PVC ..."
    st.message =
        st.conditions.stream()
            .filter(c -> Conditions.READY.equals(c.getType()))
            .map(c -> c.getMessage())
            .findFirst()
            .orElse(st.message);
    var progress = ProgressReader.read(client, pod.pod(), now);
    if (progress != null) {
      st.progress = progress;
    }
  }

  private void finish(
      RestoreRequest r,
      RestoreRequestStatus st,
      Job job,
      JobOutcome o,
      Events events,
      Instant now) {
    RestoreReport report = o.result() == null ? null : o.result().as(RestoreReport.class);
    counts(st, report);
    st.completionTime = now.toString();
    st.progress = null;
    metrics.run(
        r.getMetadata().getNamespace(),
        r.getMetadata().getName(),
        RunKind.RESTORE.label(),
        o.succeeded(),
        st.startTime == null ? null : Duration.between(Instant.parse(st.startTime), now));
    if (!o.succeeded()) {
      st.phase = Phase.Failed;
      st.message = o.message();
      Conditions.set(
          st.conditions, Conditions.COMPLETE, true, o.reason(), o.message(), gen(r), now);
      events.warning(
          r,
          o.reason(),
          job == null
              ? o.message()
              : "restore Job " + job.getMetadata().getName() + " failed: " + o.message(),
          now);
      return;
    }
    st.phase = Phase.Succeeded;
    st.message = RestoreMessages.succeeded(r, st, report);
    boolean kept = st.kept != null && st.kept > 0;
    String reason = kept ? Reasons.KEPT_DIFFERENT_FILES : Reasons.SUCCEEDED;
    Conditions.set(st.conditions, Conditions.COMPLETE, true, reason, st.message, gen(r), now);
    if (kept) {
      events.warning(r, reason, st.message, now);
    } else {
      events.normal(r, Reasons.RESTORE_SUCCEEDED, st.message, now);
    }
  }

  /** The restore's counts from the CLI's report, when it left one. */
  private static void counts(RestoreRequestStatus st, RestoreReport s) {
    if (s == null) {
      return;
    }
    st.snapshotId = s.snapshotId() != null ? s.snapshotId() : st.snapshotId;
    st.files = s.files();
    st.written = s.written();
    st.unchanged = s.unchanged();
    st.kept = s.kept();
    st.bytes = s.bytes();
    st.size = Sizes.of(st.bytes);
    if (s.keptPaths() != null && !s.keptPaths().isEmpty()) {
      st.keptFiles = List.copyOf(s.keptPaths());
    }
  }

  private UpdateControl<RestoreRequest> fail(
      RestoreRequest r,
      RestoreRequestStatus st,
      String reason,
      String message,
      Events events,
      Instant now,
      Context<RestoreRequest> ctx) {
    st.phase = Phase.Failed;
    st.message = message;
    st.completionTime = now.toString();
    Conditions.set(st.conditions, Conditions.READY, false, reason, message, gen(r), now);
    events.warning(r, reason, message, now);
    return patch(r, st, ctx);
  }

  private static long gen(RestoreRequest r) {
    return r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
  }

  /** Writes the status, so that the next reconcile sees it (see {@link StatusWrite}). */
  private static UpdateControl<RestoreRequest> patch(
      RestoreRequest r, RestoreRequestStatus st, Context<RestoreRequest> ctx) {
    st.observedGeneration = gen(r);
    StatusWrite.write(r, st, ctx, RestoreRequest::new);
    return UpdateControl.noUpdate();
  }
}
