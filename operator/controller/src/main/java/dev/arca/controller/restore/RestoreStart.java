package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.controller.Events;
import dev.arca.controller.ExecGrants;
import dev.arca.controller.ExecTargets;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.Reasons;
import dev.arca.controller.ResourceProbe;
import dev.arca.controller.VolumeUse;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.RestoreJobs;
import dev.arca.controller.jobs.SecurityContexts;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;

/**
 * Starts a RestoreRequest that has no Job yet: validates it against the cluster (the security
 * context, the snapshot, the target PVC and who uses it, or the pipe's pod), prepares what the Job
 * needs (the target PVC it may create, the exec right into the pipe's pod), and creates the Job.
 * Nothing is created for a request that fails a check.
 */
final class RestoreStart {
  /**
   * What came of it: a started Job and its plan, or the reason and message of a refusal.
   *
   * @param plan the resolved plan (also of a refusal, when it got that far; may be null)
   * @param job the Job created, or null when refused
   * @param reason why it was refused ({@link Reasons}), or null
   * @param message what to tell the user when refused, or null
   */
  record Outcome(RestorePlan plan, Job job, String reason, String message) {
    static Outcome refused(String reason, String message) {
      return new Outcome(null, null, reason, message);
    }
  }

  /** A plan checked against the cluster, with the target PVC when there is one already. */
  private record Checked(RestorePlan plan, PersistentVolumeClaim target) {}

  private final KubernetesClient client;
  private final OperatorConfig cfg;
  private final Events events;

  RestoreStart(KubernetesClient client, OperatorConfig cfg, Events events) {
    this.client = client;
    this.cfg = cfg;
    this.events = events;
  }

  /** Validates, prepares and starts the Job of {@code r}. */
  Outcome start(RestoreRequest r, Instant now) {
    Prepared p = prepare(r, now, 1);
    if (p.refusal() != null) {
      return p.refusal();
    }
    Job job = job(r, p.plan(), p.pod());
    String refused = create(job);
    return refused != null
        ? Outcome.refused(Reasons.JOB_NOT_CREATED, refused)
        : new Outcome(p.plan(), job, null, null);
  }

  /**
   * Validates and prepares a restore in {@code count} parts into its one target, and starts the
   * parts' Jobs; the outcome names part 0's Job. The target must be ReadWriteMany (several pods,
   * perhaps on several nodes, write into it) and the snapshot an id (every part restores the same).
   */
  Outcome startParts(RestoreRequest r, Instant now, int count) {
    Prepared p = prepare(r, now, count);
    if (p.refusal() != null) {
      return p.refusal();
    }
    Job whole = job(r, p.plan(), null);
    Job first = null;
    for (int i = 0; i < count; i++) {
      Job part = RestoreJobs.part(r, whole, i, count);
      String refused = create(part);
      if (refused != null) {
        return Outcome.refused(Reasons.JOB_NOT_CREATED, refused);
      }
      first = first == null ? part : first;
    }
    return new Outcome(p.plan(), first, null, null);
  }

  /** Creates {@code job} (one that exists already is fine: an earlier reconcile made it). */
  String create(Job job) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .resource(job)
          .create();
      return null;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return null;
      }
      return "Job "
          + job.getMetadata().getName()
          + " was refused by the API server: "
          + e.getMessage();
    }
  }

  /** A request validated and prepared for its Job(s), or the refusal. */
  private record Prepared(RestorePlan plan, String pod, Outcome refusal) {}

  private Prepared prepare(RestoreRequest r, Instant now, int parts) {
    var refused = SecurityContexts.refusal(cfg, r.getSpec().job);
    if (refused.isPresent()) {
      return new Prepared(null, null, Outcome.refused(SecurityContexts.REFUSED, refused.get()));
    }
    Checked checked = check(r);
    RestorePlan plan = checked.plan();
    if (!plan.ok()) {
      return new Prepared(plan, null, Outcome.refused(plan.problemReason(), plan.problem()));
    }
    if (parts > 1) {
      String why = partsProblem(r, plan, checked.target());
      if (why != null) {
        return new Prepared(plan, null, Outcome.refused(Reasons.INVALID_SPEC, why));
      }
    }
    String ns = r.getMetadata().getNamespace();
    String pod = null;
    if (r.getSpec().pipe != null) {
      // the dump goes into a command in a pod: the Job's own account may exec there, and only there
      pod = ExecTargets.pod(client, ns, r.getSpec().pipe);
      if (pod == null) {
        return new Prepared(
            plan,
            null,
            Outcome.refused(
                Reasons.POD_NOT_FOUND, ExecTargets.noPod("spec.pipe", ns, r.getSpec().pipe)));
      }
      ExecGrants.ensure(client, r, "pipe", RestoreJobs.jobName(r), List.of(pod));
    } else if (r.getSpec().target.createPVC != null && checked.target() == null) {
      createTarget(r, plan, now); // TargetCheck let an existing PVC through only if this made it
    }
    return new Prepared(plan, pod, null);
  }

  /** Why a restore in parts cannot go into this target with this snapshot, or null. */
  private static String partsProblem(
      RestoreRequest r, RestorePlan plan, PersistentVolumeClaim target) {
    if (plan.before() != null || "latest".equals(plan.snapshot())) {
      return "spec.parallelism: every part must restore the same snapshot; with spec.from name it"
          + " by id";
    }
    List<String> modes =
        target != null && target.getSpec() != null && target.getSpec().getAccessModes() != null
            ? target.getSpec().getAccessModes()
            : r.getSpec().target.createPVC != null
                    && r.getSpec().target.createPVC.accessModes != null
                ? r.getSpec().target.createPVC.accessModes
                : List.of();
    if (!modes.contains("ReadWriteMany")) {
      return "spec.parallelism: several Jobs restore into one target only when it is ReadWriteMany"
          + " (PVC "
          + r.getSpec().target.pvc
          + " is "
          + (modes.isEmpty() ? "ReadWriteOnce" : String.join(", ", modes))
          + "); give createPVC.accessModes [ReadWriteMany], or leave parallelism out";
    }
    return null;
  }

  /** The plan, checked against the target PVC (and who uses it) or the pipe's rules. */
  private Checked check(RestoreRequest r) {
    RestorePlan plan = RestorePlan.resolve(r, client, cfg.restoreFromOtherNamespaces());
    if (!plan.ok()) {
      return new Checked(plan, null);
    }
    String ns = r.getMetadata().getNamespace();
    ResourceProbe probe = new ResourceProbe(client, cfg.checkSecrets());
    if (r.getSpec().pipe != null) {
      return new Checked(TargetCheck.checkPipe(plan, cfg.dumpsAllowedIn(ns), probe, ns), null);
    }
    PersistentVolumeClaim target = probe.pvc(ns, r.getSpec().target.pvc);
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
    return new Checked(TargetCheck.check(r, plan, target, use, probe), target);
  }

  private void createTarget(RestoreRequest r, RestorePlan plan, Instant now) {
    PersistentVolumeClaim pvc = RestoreJobs.targetPvc(r, plan.bytes());
    client
        .persistentVolumeClaims()
        .inNamespace(r.getMetadata().getNamespace())
        .resource(pvc)
        .create();
    events.normal(
        r,
        Reasons.PVC_CREATED,
        "created PVC "
            + pvc.getMetadata().getName()
            + " of "
            + pvc.getSpec().getResources().getRequests().get("storage"),
        now);
  }

  private Job job(RestoreRequest r, RestorePlan plan, String pod) {
    return r.getSpec().pipe != null
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
  }
}
