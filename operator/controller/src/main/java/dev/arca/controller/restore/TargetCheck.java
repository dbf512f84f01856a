package dev.arca.controller.restore;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.controller.ResourceProbe;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/** The checks of a restore (into a PVC, or a pipe) before its Job starts. */
final class TargetCheck {
  private TargetCheck() {}

  /**
   * The target PVC ({@code existing}, null if none) must exist, or must not when Arca is to create
   * it (unless this request created it); Secrets must exist.
   */
  static RestorePlan check(
      RestoreRequest r, RestorePlan plan, PersistentVolumeClaim existing, ResourceProbe probe) {
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
    return secrets(plan, probe, ns);
  }

  /** A pipe needs this installation to let Jobs exec into pods; Secrets must exist. */
  static RestorePlan checkPipe(
      RestorePlan plan, boolean dumpsAllowed, ResourceProbe probe, String ns) {
    if (!dumpsAllowed) {
      return RestorePlan.failed(
          "DumpsDisabled",
          "spec.pipe: this Arca installation does not run pipes into pods in this namespace (a"
              + " cluster admin allows them per namespace with the chart's rbac.dumpNamespaces,"
              + " as Jobs then exec into pods)");
    }
    return secrets(plan, probe, ns);
  }

  private static RestorePlan secrets(RestorePlan plan, ResourceProbe probe, String ns) {
    String missing = probe.missingRepositorySecret(plan.repository(), ns, "repository");
    return missing == null ? plan : RestorePlan.failed("MissingSecret", missing);
  }
}
