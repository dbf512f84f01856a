package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.controller.Reasons;
import dev.arca.controller.ResourceProbe;
import dev.arca.controller.VolumeUse;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/** The checks of a restore (into a PVC, or a pipe) before its Job starts. */
final class TargetCheck {
  private TargetCheck() {}

  /**
   * The target PVC ({@code existing}, null if none) must exist, or must not when Arca is to create
   * it (unless this request created it); it must not be in use ({@code use}, null for a PVC still
   * to be created) unless the request allows that and a pod can mount it alongside its users (see
   * {@link #inUse}); Secrets must exist.
   */
  static RestorePlan check(
      RestoreRequest r,
      RestorePlan plan,
      PersistentVolumeClaim existing,
      VolumeUse use,
      ResourceProbe probe) {
    String ns = r.getMetadata().getNamespace();
    String pvc = r.getSpec().target.pvc;
    boolean exists = existing != null;
    if (r.getSpec().target.createPVC != null
        && exists
        && !RestoreRequestReconciler.createdByThisRequest(existing, r)) {
      return RestorePlan.failed(
          "TargetPVCExists",
          "spec.target.pvc: PVC '"
              + pvc
              + "' already exists; drop createPVC to restore into it, or name a new PVC");
    }
    if (r.getSpec().target.createPVC == null && !exists) {
      return RestorePlan.failed(
          "MissingPVC",
          "spec.target.pvc: PersistentVolumeClaim '"
              + pvc
              + "' does not exist in namespace "
              + ns
              + "; create it or set createPVC");
    }
    if (use != null && use.inUse()) {
      plan = inUse(r, plan, use);
      if (!plan.ok()) {
        return plan;
      }
    }
    return secrets(plan, probe, ns);
  }

  /**
   * A restore into a volume that pods use (that have not finished): they would see its files change
   * under them, so it is refused unless {@code target.allowInUse} says to go ahead. Even then a
   * ReadWriteOncePod volume cannot be mounted by the Job's pod at all, and a ReadWriteOnce one only
   * on its users' node, where the Job is then pinned.
   */
  private static RestorePlan inUse(RestoreRequest r, RestorePlan plan, VolumeUse use) {
    String inUse = "spec.target.pvc: PVC '" + use.claim() + "' is in use by " + use.usersNamed();
    String them = use.users().size() == 1 ? "it" : "them";
    if (use.onePodOnly()) {
      return RestorePlan.failed(
          Reasons.TARGET_IN_USE,
          inUse
              + "; it is ReadWriteOncePod, so no second pod can mount it, not even with"
              + " allowInUse: stop "
              + them
              + " to restore into it");
    }
    if (!Boolean.TRUE.equals(r.getSpec().target.allowInUse)) {
      return RestorePlan.failed(
          Reasons.TARGET_IN_USE,
          inUse
              + "; stop "
              + them
              + ", or set spec.target.allowInUse: true to restore into a volume in use");
    }
    VolumeUse.Where where = use.where();
    if (where.problem() != null) {
      return RestorePlan.failed(Reasons.PLACEMENT_CONFLICT, "spec.target.pvc: " + where.problem());
    }
    return plan.inUse(use.usersNamed(), where.node());
  }

  /** A pipe needs this installation to let Jobs exec into pods; Secrets must exist. */
  static RestorePlan checkPipe(
      RestorePlan plan, boolean dumpsAllowed, ResourceProbe probe, String ns) {
    if (!dumpsAllowed) {
      return RestorePlan.failed(
          Reasons.DUMPS_DISABLED,
          "spec.pipe: this Arca installation does not run pipes into pods in this namespace (a"
              + " cluster admin allows them per namespace with the chart's rbac.dumpNamespaces,"
              + " as Jobs then exec into pods)");
    }
    return secrets(plan, probe, ns);
  }

  private static RestorePlan secrets(RestorePlan plan, ResourceProbe probe, String ns) {
    String missing = probe.missingRepositorySecret(plan.repository(), ns, "repository");
    return missing == null ? plan : RestorePlan.failed(Reasons.MISSING_SECRET, missing);
  }
}
