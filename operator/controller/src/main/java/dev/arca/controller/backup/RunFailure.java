package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.controller.Conditions;
import dev.arca.controller.RunKind;
import dev.arca.controller.metrics.ArcaMetrics;
import java.time.Instant;

/**
 * A backup run that failed without a result of its Job (its Job was deleted, a VolumeSnapshot or a
 * before hook failed): the one way such a run becomes status.lastFailure, the condition
 * LastBackupSucceeded=False and a failed run in the metrics. The caller says it in an Event.
 */
final class RunFailure {
  private RunFailure() {}

  /** Records the failed run of the backup Job {@code job}; returns the failure recorded. */
  static BackupPolicyStatus.Failure record(
      BackupPolicy p,
      BackupPolicyStatus st,
      String reason,
      String message,
      String job,
      ArcaMetrics metrics,
      Instant now) {
    long gen = p.getMetadata().getGeneration() == null ? 0 : p.getMetadata().getGeneration();
    BackupPolicyStatus.Failure f = new BackupPolicyStatus.Failure();
    f.time = now.toString();
    f.reason = reason;
    f.message = message;
    f.job = job;
    st.lastFailure = f;
    Conditions.set(
        st.conditions, Conditions.LAST_BACKUP_SUCCEEDED, false, reason, message, gen, now);
    metrics.run(
        p.getMetadata().getNamespace(),
        p.getMetadata().getName(),
        RunKind.BACKUP.label(),
        false,
        null);
    return f;
  }
}
