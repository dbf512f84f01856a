package dev.arca.controller.erasure;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.ErasureRequest;
import dev.arca.api.v1alpha1.ErasureRequestStatus;
import dev.arca.api.v1alpha1.ErasureRequestStatus.Phase;
import dev.arca.contract.PruneReport;
import dev.arca.contract.RewriteReport;
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
import dev.arca.controller.jobs.ErasureJobs;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.Requesters;
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

/**
 * Reconciles an ErasureRequest, once, in steps: validate (its policy, the repository's Secrets);
 * run the rewrite Job and record its report; then, unless told not to, run a prune Job once the
 * policy runs no Job of its own (the policy in turn holds back its maintenance while an erasure Job
 * runs), and record that prune's verdict on the erasure; then write the status.
 */
@ControllerConfiguration(generationAwareEventProcessing = false)
public final class ErasureRequestReconciler implements Reconciler<ErasureRequest> {
  static final Duration WHILE_ACTIVE = Duration.ofSeconds(15);

  private final OperatorConfig cfg;
  private final Clock clock;

  public ErasureRequestReconciler(OperatorConfig cfg, Clock clock) {
    this.cfg = cfg;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, ErasureRequest>> prepareEventSources(
      EventSourceContext<ErasureRequest> ctx) {
    var jobs =
        InformerEventSourceConfiguration.from(Job.class, ErasureRequest.class)
            .withLabelSelector(Labels.MANAGED_BY + "=arca," + Labels.ERASURE)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ErasureRequest.class))
            .build();
    return List.of(new InformerEventSource<>(jobs, ctx));
  }

  @Override
  public ErrorStatusUpdateControl<ErasureRequest> updateErrorStatus(
      ErasureRequest r, Context<ErasureRequest> ctx, Exception e) {
    return ReconcileErrors.record(
        r,
        ctx,
        e,
        ErasureRequestStatus::new,
        st -> st.conditions,
        ErasureRequest::new,
        clock.instant());
  }

  @Override
  public UpdateControl<ErasureRequest> reconcile(ErasureRequest r, Context<ErasureRequest> ctx) {
    Instant now = clock.instant();
    KubernetesClient client = ctx.getClient();
    Events events = new Events(client);
    ErasureRequestStatus st = StatusWrite.copy(ctx, r.getStatus(), ErasureRequestStatus::new);
    ReconcileErrors.clear(st.conditions);
    if (st.phase == Phase.Succeeded || st.phase == Phase.Failed) {
      return UpdateControl.noUpdate();
    }
    if (st.jobName != null) {
      observe(r, st, ctx, events, now);
    } else {
      BackupPolicy p = policy(r, st, client, events, now);
      if (p != null && st.phase == null) {
        start(r, st, client, events, ErasureJobs.rewrite(r, p, cfg), Phase.Rewriting, now);
      } else if (p != null && st.phase == Phase.Pruning && idle(p)) {
        start(r, st, client, events, ErasureJobs.prune(r, p, cfg), Phase.Pruning, now);
      }
    }
    StatusWrite.write(r, st, ctx, ErasureRequest::new);
    UpdateControl<ErasureRequest> u = UpdateControl.noUpdate();
    return st.phase == Phase.Succeeded || st.phase == Phase.Failed
        ? u
        : u.rescheduleAfter(WHILE_ACTIVE);
  }

  /** The request's policy with its Secrets in place, or null (the request then failed). */
  private BackupPolicy policy(
      ErasureRequest r,
      ErasureRequestStatus st,
      KubernetesClient client,
      Events events,
      Instant now) {
    String ns = r.getMetadata().getNamespace();
    String name = r.getSpec().policyRef.name;
    BackupPolicy p = client.resources(BackupPolicy.class).inNamespace(ns).withName(name).get();
    if (p == null) {
      fail(r, st, events, Reasons.POLICY_NOT_FOUND, "BackupPolicy " + name + " not found", now);
      return null;
    }
    String missing =
        new ResourceProbe(client, cfg.checkSecrets())
            .missingRepositorySecret(p.getSpec().repository, ns, "the policy's repository");
    if (missing != null) {
      fail(r, st, events, Reasons.MISSING_SECRET, missing, now);
      return null;
    }
    return p;
  }

  /** Whether the policy runs no Job of its own: an erasure's prune waits for that. */
  private static boolean idle(BackupPolicy p) {
    return p.getStatus() == null || p.getStatus().activeJob == null;
  }

  private void start(
      ErasureRequest r,
      ErasureRequestStatus st,
      KubernetesClient client,
      Events events,
      Job job,
      Phase phase,
      Instant now) {
    String ns = r.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    try {
      if (client.batch().v1().jobs().inNamespace(ns).withName(name).get() == null) {
        client.batch().v1().jobs().inNamespace(ns).resource(job).create();
      }
    } catch (KubernetesClientException e) {
      fail(
          r,
          st,
          events,
          Reasons.JOB_NOT_CREATED,
          "Job " + name + " was refused by the API server: " + e.getMessage(),
          now);
      return;
    }
    st.jobName = name;
    st.phase = phase;
    if (st.startTime == null) {
      st.startTime = now.toString();
      st.requestedBy = Requesters.user(r);
    }
    st.message = (phase == Phase.Rewriting ? "rewriting" : "pruning") + " (Job " + name + ")";
    events.normal(
        r,
        Reasons.ERASURE_STARTED,
        phase.name().toLowerCase(java.util.Locale.ROOT)
            + " Job "
            + name
            + " started for "
            + st.requestedBy
            + " (recorded in the repository's audit trail)",
        now);
  }

  /** Follows the running Job; once it ended, records its report and takes the next step. */
  private void observe(
      ErasureRequest r,
      ErasureRequestStatus st,
      Context<ErasureRequest> ctx,
      Events events,
      Instant now) {
    KubernetesClient client = ctx.getClient();
    List<Job> cached = ctx.getSecondaryResources(Job.class).stream().toList();
    Job job = JobLookup.find(cached, client, r.getMetadata().getNamespace(), st.jobName);
    if (job == null) {
      fail(r, st, events, Reasons.JOB_DELETED, "Job " + st.jobName + " was deleted", now);
      return;
    }
    RunKind kind = st.phase == Phase.Pruning ? RunKind.PRUNE : RunKind.REWRITE;
    JobOutcome o =
        JobOutcome.observe(client, job, kind, now, JobLookup.startTimeout(r.getSpec().job));
    if (!o.finished()) {
      return;
    }
    st.jobName = null;
    if (kind == RunKind.REWRITE) {
      RewriteReport rep = o.result() == null ? null : o.result().as(RewriteReport.class);
      if (rep == null || rep.snapshots() == null || o.result().isUnavailable()) {
        fail(r, st, events, Reasons.ERASURE_FAILED, "rewrite Job failed: " + o.message(), now);
        return;
      }
      RewrittenSnapshots.apply(
          client, r.getMetadata().getNamespace(), r.getSpec().policyRef.name, rep);
      rewritten(r, st, rep, events, now);
    } else {
      PruneReport rep = o.result() == null ? null : o.result().as(PruneReport.class);
      if (rep == null || rep.erasures() == null || o.result().isUnavailable()) {
        fail(r, st, events, Reasons.ERASURE_FAILED, "prune Job failed: " + o.message(), now);
        return;
      }
      pruned(r, st, rep, events, now);
    }
  }

  private static void rewritten(
      ErasureRequest r, ErasureRequestStatus st, RewriteReport rep, Events events, Instant now) {
    st.rewritten = rep.snapshots().stream().filter(s -> s.to() != null).count();
    st.unchanged =
        rep.snapshots().stream().filter(s -> RewriteReport.UNCHANGED.equals(s.outcome())).count();
    st.damaged =
        rep.snapshots().stream().filter(s -> RewriteReport.DAMAGED.equals(s.outcome())).count();
    st.removedPaths = rep.removed().size() + rep.removedMore();
    st.filteredFiles = (long) rep.filtered().size();
    RewriteReport.Erasure e = rep.erasure();
    String damage =
        st.damaged == 0
            ? ""
            : "; " + st.damaged + " damaged snapshots were not rewritten (see the Job's log)";
    if (e == null) {
      // nothing to erase is a complete erasure, unless the originals were kept or some are damaged
      st.complete = st.damaged == 0 && !Boolean.TRUE.equals(r.getSpec().keepOriginals);
      done(
          r,
          st,
          events,
          st.complete,
          st.rewritten
              + " snapshots rewritten"
              + (Boolean.TRUE.equals(r.getSpec().keepOriginals)
                  ? ", originals kept: nothing is erased until they are forgotten"
                  : ": nothing held what the request names")
              + damage,
          now);
      return;
    }
    st.erasureId = e.run();
    st.erasedBlobs = e.erasedBlobs();
    st.sharedBlobs = e.sharedBlobs();
    st.message =
        st.rewritten
            + " snapshots rewritten, "
            + e.erasedBlobs()
            + " blobs to remove"
            + (e.sharedBlobs() == 0
                ? ""
                : ", " + e.sharedBlobs() + " kept (data that stays holds the same bytes)")
            + damage;
    if (Boolean.FALSE.equals(r.getSpec().prune)) {
      st.complete = false;
      done(
          r,
          st,
          events,
          st.damaged == 0,
          st.message + "; the policy's next prune removes them",
          now);
      return;
    }
    st.phase = Phase.Pruning; // the prune starts once the policy runs no Job of its own
  }

  private static void pruned(
      ErasureRequest r, ErasureRequestStatus st, PruneReport rep, Events events, Instant now) {
    PruneReport.Erasure e =
        rep.erasures().stream().filter(x -> x.run().equals(st.erasureId)).findFirst().orElse(null);
    if (e == null) {
      done(
          r,
          st,
          events,
          false,
          st.message + "; the prune found none of the erasure's records (see its Job's log)",
          now);
      return;
    }
    st.goneBlobs = e.gone();
    st.complete = e.complete();
    String verdict =
        e.complete()
            ? "; all " + e.gone() + " confirmed gone"
            : "; "
                + e.gone()
                + " gone, "
                + e.pending()
                + " still stored"
                + (e.pendingUntil() == null ? "" : " (until " + e.pendingUntil() + ")")
                + (e.storedAgain() == 0
                    ? ""
                    : ", " + e.storedAgain() + " backed up again: delete the data at its source")
                + "; a later prune finishes";
    String kept =
        e.versionsKept() == 0
            ? ""
            : "; the bucket keeps "
                + e.versionsKept()
                + " of them as noncurrent versions until its own rules remove them";
    done(r, st, events, e.complete() && st.damaged == 0, st.message + verdict + kept, now);
  }

  private static void done(
      ErasureRequest r,
      ErasureRequestStatus st,
      Events events,
      boolean complete,
      String message,
      Instant now) {
    st.phase = Phase.Succeeded;
    st.completionTime = now.toString();
    st.message = message;
    Conditions.set(
        st.conditions,
        Conditions.COMPLETE,
        complete,
        complete ? Reasons.ERASURE_SUCCEEDED : "NotConfirmed",
        message,
        generation(r),
        now);
    if (complete) {
      events.normal(r, Reasons.ERASURE_SUCCEEDED, message, now);
    } else {
      events.warning(r, Reasons.ERASURE_SUCCEEDED, message, now);
    }
  }

  private static void fail(
      ErasureRequest r,
      ErasureRequestStatus st,
      Events events,
      String reason,
      String message,
      Instant now) {
    st.phase = Phase.Failed;
    st.jobName = null;
    st.completionTime = now.toString();
    st.message = message;
    Conditions.set(st.conditions, Conditions.COMPLETE, false, reason, message, generation(r), now);
    events.warning(r, reason, message, now);
  }

  private static long generation(ErasureRequest r) {
    return r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
  }
}
