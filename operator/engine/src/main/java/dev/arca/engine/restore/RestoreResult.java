package dev.arca.engine.restore;

import java.util.List;

/**
 * What a restore did. Every regular file of the selection is counted once: {@code files} = {@code
 * written} + {@code unchanged} + {@code kept} + the files named in {@code failures}.
 *
 * @param snapshotId the snapshot restored
 * @param files regular files the snapshot's selection holds (the whole snapshot, or what the
 *     includes select)
 * @param written files written from the snapshot
 * @param unchanged files that were already there with the snapshot's content, left as they were
 * @param kept files that were there with other content and were left alone ({@code --overwrite
 *     never}): the target now holds a mix of the two versions
 * @param keptPaths the first {@value #KEPT_PATHS} of the kept files by path
 * @param bytes bytes written
 * @param dirs folders restored
 * @param symlinks symbolic links restored
 * @param failures entries that could not be restored, each "path: reason"
 * @param damaged whether any failure was caused by damaged repository data
 * @param durationMs wall time
 */
public record RestoreResult(
    String snapshotId,
    long files,
    long written,
    long unchanged,
    long kept,
    List<String> keptPaths,
    long bytes,
    long dirs,
    long symlinks,
    List<String> failures,
    boolean damaged,
    long durationMs) {
  /** How many kept files are named by path. */
  public static final int KEPT_PATHS = 20;
}
