package dev.arca.engine.restore;

import java.util.List;

/**
 * What a restore did.
 *
 * @param snapshotId the snapshot restored
 * @param files regular files restored or found already correct
 * @param bytes bytes of those files
 * @param skippedFiles files left as they were (already correct, or {@code --overwrite never})
 * @param dirs folders restored
 * @param symlinks symbolic links restored
 * @param failures entries that could not be restored, each "path: reason"
 * @param damaged whether any failure was caused by damaged repository data
 * @param durationMs wall time
 */
public record RestoreResult(
    String snapshotId,
    long files,
    long bytes,
    long skippedFiles,
    long dirs,
    long symlinks,
    List<String> failures,
    boolean damaged,
    long durationMs) {}
