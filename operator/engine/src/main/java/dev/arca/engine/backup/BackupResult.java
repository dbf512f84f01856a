package dev.arca.engine.backup;

import java.util.List;

/**
 * What a backup did.
 *
 * @param snapshotId the new snapshot's id
 * @param parent the parent snapshot's id, or null
 * @param mode {@code full} or {@code incremental}
 * @param files regular files in the snapshot
 * @param dirs folders in the snapshot
 * @param bytes logical bytes of the files
 * @param newBytes bytes of chunks the repository did not have
 * @param storedBytes bytes written to the repository (after compression and encryption)
 * @param unchangedFiles files taken from the parent without reading them
 * @param skippedSpecial FIFOs, sockets and devices left out
 * @param changedWhileReading files that changed while they were read
 * @param unreadable files or folders that could not be read (and are not in the snapshot)
 * @param durationMs wall time
 */
public record BackupResult(
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
    long durationMs) {}
