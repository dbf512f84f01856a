package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.controller.ResourceProbe;
import dev.arca.controller.schedule.InvalidScheduleException;
import dev.arca.controller.schedule.Schedule;
import java.util.Optional;

/** Checks what the API server cannot: schedules, time zones, and that PVCs and Secrets exist. */
final class PolicyValidator {
  /** Why a policy cannot run: a CamelCase reason and a message naming the field. */
  record Problem(String reason, String message) {}

  private final ResourceProbe probe;

  PolicyValidator(ResourceProbe probe) {
    this.probe = probe;
  }

  Optional<Problem> validate(BackupPolicy p) {
    BackupPolicySpec s = p.getSpec();
    String ns = p.getMetadata().getNamespace();
    try {
      Schedule.parse(s.schedule, s.timeZone);
      if (s.prune != null) {
        Schedule.parse(s.prune.schedule, s.timeZone);
      }
      if (s.verify != null) {
        Schedule.parse(s.verify.schedule, s.timeZone);
      }
    } catch (InvalidScheduleException e) {
      return Optional.of(new Problem("InvalidSchedule", "spec." + e.getMessage()));
    }
    if (s.sources == null || s.sources.isEmpty()) {
      return Optional.of(new Problem("InvalidSpec", "spec.sources: give at least one PVC"));
    }
    for (int i = 0; i < s.sources.size(); i++) {
      String pvc = s.sources.get(i).pvc;
      if (!probe.pvcExists(ns, pvc)) {
        return Optional.of(
            new Problem(
                "MissingPVC",
                "spec.sources["
                    + i
                    + "].pvc: PersistentVolumeClaim '"
                    + pvc
                    + "' does not exist in namespace "
                    + ns));
      }
    }
    return secrets(s.repository, ns);
  }

  private Optional<Problem> secrets(RepositorySpec r, String ns) {
    String missing = probe.missingRepositorySecret(r, ns, "spec.repository");
    return missing == null ? Optional.empty() : Optional.of(new Problem("MissingSecret", missing));
  }
}
