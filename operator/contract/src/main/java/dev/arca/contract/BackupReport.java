package dev.arca.contract;

import java.util.List;

/**
 * What {@code arca backup --json} prints, and what the engine's backup returns.
 *
 * @param snapshotId the new snapshot's id
 * @param parent the snapshot whose unchanged files were reused, or null
 * @param mode {@code full} or {@code incremental}
 * @param files regular files in the snapshot
 * @param dirs folders in the snapshot
 * @param bytes bytes of those files
 * @param newBytes bytes of chunks the repository did not hold yet
 * @param storedBytes bytes written to the store (compressed, encrypted)
 * @param unchangedFiles files taken from the parent without reading them
 * @param skippedSpecial FIFOs, sockets and devices left out
 * @param changedWhileReading files that changed while they were read (stored as read)
 * @param unreadable paths that could not be read and are not in the snapshot (the snapshot is
 *     saved; exit code 1)
 * @param checkpoints the checkpoints the snapshot holds whole (empty without {@code --checkpoints})
 * @param checkpointsSkipped the checkpoint folders left out of the snapshot, with the reason
 * @param durationMs how long the backup took
 * @param repositoryInitialized whether this run created the repository ({@code --init-if-missing}
 *     found none)
 */
public record BackupReport(
    String snapshotId,
    String parent,
    String mode,
    long files,
    long dirs,
    long bytes,
    long newBytes,
    long storedBytes,
    long unchangedFiles,
    long skippedSpecial,
    long changedWhileReading,
    List<String> unreadable,
    List<Checkpoint> checkpoints,
    List<SkippedCheckpoint> checkpointsSkipped,
    long durationMs,
    boolean repositoryInitialized) {

  /** This report, saying whether the run created the repository first. */
  public BackupReport withRepositoryInitialized(boolean created) {
    return new BackupReport(
        snapshotId,
        parent,
        mode,
        files,
        dirs,
        bytes,
        newBytes,
        storedBytes,
        unchangedFiles,
        skippedSpecial,
        changedWhileReading,
        unreadable,
        checkpoints,
        checkpointsSkipped,
        durationMs,
        created);
  }
}
