package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.SnapshotSpec;
import dev.arca.contract.BackupReport;
import dev.arca.contract.SkippedCheckpoint;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a backup's report says of training checkpoints, as the policy's status, the Snapshot object
 * and an Event show it: the checkpoints held (counted; the first {@value
 * SnapshotSpec#CHECKPOINTS_LISTED} listed on the Snapshot) and the folders left out (the first
 * {@value BackupPolicyStatus.BackupSummary#SKIPPED_LISTED} in the status, all counted in the
 * Event).
 */
final class CheckpointRecord {
  private CheckpointRecord() {}

  /** Fills the run's summary: checkpoints held and folders left out (null without checkpoints). */
  static void summary(BackupReport r, BackupPolicyStatus.BackupSummary b) {
    if (r.checkpoints() != null) {
      b.checkpoints = (long) r.checkpoints().size();
    }
    List<SkippedCheckpoint> skipped = skipped(r);
    if (!skipped.isEmpty()) {
      b.checkpointsSkipped =
          skipped.stream()
              .limit(BackupPolicyStatus.BackupSummary.SKIPPED_LISTED)
              .map(s -> new BackupPolicyStatus.SkippedCheckpoint(s.path(), s.reason()))
              .toList();
    }
  }

  /** Fills the Snapshot object's checkpoints (absent when the backup looked for none). */
  static void snapshot(BackupReport r, SnapshotSpec spec) {
    if (r.checkpoints() == null) {
      return;
    }
    spec.checkpointCount = (long) r.checkpoints().size();
    spec.checkpoints =
        r.checkpoints().stream()
            .sorted(Comparator.comparing(c -> c.path()))
            .limit(SnapshotSpec.CHECKPOINTS_LISTED)
            .map(c -> new SnapshotSpec.CheckpointRef(c.path(), c.step()))
            .toList();
  }

  /** The Warning Event's message when folders were left out, or null when none was. */
  static String skippedMessage(BackupReport r, String snapshotId) {
    List<SkippedCheckpoint> skipped = skipped(r);
    if (skipped.isEmpty()) {
      return null;
    }
    String shown =
        skipped.stream()
            .limit(5)
            .map(s -> s.path() + " (" + s.reason() + ")")
            .collect(Collectors.joining("; "));
    return skipped.size()
        + " checkpoint folder(s) left out of snapshot "
        + snapshotId.substring(0, Math.min(12, snapshotId.length()))
        + ", to be taken by a later run once whole: "
        + shown
        + (skipped.size() > 5 ? "; and " + (skipped.size() - 5) + " more (status.lastBackup)" : "");
  }

  private static List<SkippedCheckpoint> skipped(BackupReport r) {
    return r.checkpointsSkipped() == null
        ? List.of()
        : r.checkpointsSkipped().stream()
            .sorted(Comparator.comparing(SkippedCheckpoint::path))
            .toList();
  }
}
