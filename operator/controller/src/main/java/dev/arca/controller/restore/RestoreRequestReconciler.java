package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestStatus;
import dev.arca.api.v1alpha1.RestoreRequestStatus.Phase;
import dev.arca.controller.Conditions;
import dev.arca.controller.Events;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.ProgressReader;
import dev.arca.controller.ResourceProbe;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.RestoreJobs;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
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

  @Override
  public UpdateControl<RestoreRequest> reconcile(RestoreRequest r, Context<RestoreRequest> ctx) {
    KubernetesClient client = ctx.getClient();
    Events events = new Events(client);
    Instant now = clock.instant();
    RestoreRequestStatus st = r.getStatus() == null ? new RestoreRequestStatus() : r.getStatus();
    if (st.phase == Phase.Succeeded || st.phase == Phase.Failed) {
      return UpdateControl.noUpdate();
    }
    if (st.jobName == null) {
      // The Job's name is fixed: if it exists, this request was started by an earlier reconcile
      // whose status this one does not see yet (a stale cache, or a crash before the status patch).
      Job started = job(ctx, RestoreJobs.jobName(r));
      if (started != null) {
        markStarted(
            r,
            st,
            RestorePlan.resolve(r, client),
            started.getMetadata().getName(),
            started.getMetadata().getCreationTimestamp(),
            now);
      }
    }
    if (st.jobName != null) {
      Job job = job(ctx, st.jobName);
      JobOutcome o = job == null ? null : JobOutcome.of(job, client, "restore");
      if (o == null || !o.finished()) {
        if (job != null) {
          var progress = ProgressReader.read(client, job, now);
          if (progress != null) {
            st.progress = progress;
          }
        }
        return patch(r, st).rescheduleAfter(Duration.ofSeconds(15));
      }
      finish(r, st, job, o, events, now);
      return patch(r, st);
    }
    RestorePlan plan = RestorePlan.resolve(r, client);
    String ns = r.getMetadata().getNamespace();
    ResourceProbe probe = new ResourceProbe(client, cfg.checkSecrets());
    boolean pipe = r.getSpec().pipe != null;
    PersistentVolumeClaim target =
        plan.ok() && !pipe ? probe.pvc(ns, r.getSpec().target.pvc) : null;
    if (plan.ok()) {
      plan =
          pipe
              ? TargetCheck.checkPipe(plan, !cfg.dumpExecClusterRole().isBlank(), probe, ns)
              : TargetCheck.check(r, plan, target, probe);
    }
    if (!plan.ok()) {
      return fail(r, st, plan.problemReason(), plan.problem(), events, now);
    }
    if (pipe) {
      // the dump goes into a command in a pod: the Job's own account may exec there
      dev.arca.controller.ExecGrants.ensure(client, r, "pipe", cfg.dumpExecClusterRole());
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
            ? RestoreJobs.pipe(r, plan.repository(), plan.snapshot(), plan.before(), cfg)
            : RestoreJobs.restore(
                r, plan.repository(), plan.snapshot(), plan.before(), plan.source(), cfg);
    client.batch().v1().jobs().inNamespace(ns).resource(job).create();
    markStarted(r, st, plan, job.getMetadata().getName(), now.toString(), now);
    events.normal(
        r, "RestoreStarted", "restore Job " + st.jobName + " started: " + st.message, now);
    return patch(r, st).rescheduleAfter(Duration.ofSeconds(15));
  }

  /** The status of a request whose Job runs. */
  private static void markStarted(
      RestoreRequest r,
      RestoreRequestStatus st,
      RestorePlan plan,
      String jobName,
      String startTime,
      Instant now) {
    st.phase = Phase.Running;
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
                + r.getSpec().target.pvc;
    Conditions.set(st.conditions, "Ready", true, "Resolved", st.message, gen(r), now);
  }

  /** A PVC this request created on an earlier reconcile (its label names the request). */
  static boolean createdByThisRequest(PersistentVolumeClaim pvc, RestoreRequest r) {
    return pvc != null
        && pvc.getMetadata().getLabels() != null
        && r.getMetadata().getName().equals(pvc.getMetadata().getLabels().get(Labels.RESTORE));
  }

  private static Job job(Context<RestoreRequest> ctx, String name) {
    return ctx.getSecondaryResources(Job.class).stream()
        .filter(j -> name.equals(j.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  private void finish(
      RestoreRequest r,
      RestoreRequestStatus st,
      Job job,
      JobOutcome o,
      Events events,
      Instant now) {
    var s = o.summary();
    if (s != null) {
      st.snapshotId = s.hasNonNull("snapshotId") ? s.get("snapshotId").asText() : st.snapshotId;
      st.files = s.hasNonNull("files") ? s.get("files").asLong() : null;
      st.bytes = s.hasNonNull("bytes") ? s.get("bytes").asLong() : null;
      st.skippedFiles = s.hasNonNull("skippedFiles") ? s.get("skippedFiles").asLong() : null;
    }
    st.completionTime = now.toString();
    st.progress = null;
    metrics.run(
        r.getMetadata().getNamespace(),
        r.getMetadata().getName(),
        "restore",
        o.succeeded(),
        st.startTime == null ? null : Duration.between(Instant.parse(st.startTime), now));
    if (o.succeeded()) {
      st.phase = Phase.Succeeded;
      st.message =
          "restored " + st.files + " files (" + st.bytes + " bytes) of snapshot " + st.snapshotId;
      Conditions.set(st.conditions, "Complete", true, "Succeeded", st.message, gen(r), now);
      events.normal(r, "RestoreSucceeded", st.message, now);
    } else {
      st.phase = Phase.Failed;
      st.message = o.message();
      Conditions.set(st.conditions, "Complete", true, o.reason(), o.message(), gen(r), now);
      events.warning(
          r,
          o.reason(),
          "restore Job " + job.getMetadata().getName() + " failed: " + o.message(),
          now);
    }
  }

  private UpdateControl<RestoreRequest> fail(
      RestoreRequest r,
      RestoreRequestStatus st,
      String reason,
      String message,
      Events events,
      Instant now) {
    st.phase = Phase.Failed;
    st.message = message;
    st.completionTime = now.toString();
    Conditions.set(st.conditions, "Ready", false, reason, message, gen(r), now);
    events.warning(r, reason, message, now);
    return patch(r, st);
  }

  private static long gen(RestoreRequest r) {
    return r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
  }

  private static UpdateControl<RestoreRequest> patch(RestoreRequest r, RestoreRequestStatus st) {
    RestoreRequest out = new RestoreRequest();
    out.setMetadata(
        new ObjectMetaBuilder()
            .withName(r.getMetadata().getName())
            .withNamespace(r.getMetadata().getNamespace())
            .build());
    st.observedGeneration = gen(r);
    out.setStatus(st);
    return UpdateControl.patchStatus(out);
  }
}
