package dev.arca.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code arca restore --json} prints. A run that only pipes files into commands ({@code
 * --pipe} without a target) restores no files: its counts are 0.
 *
 * @param snapshotId the snapshot restored
 * @param files regular files in the selection
 * @param written files written
 * @param unchanged files already right in the target, left as they were
 * @param kept files that differ from the snapshot and were kept ({@code --overwrite never})
 * @param keptPaths their paths
 * @param bytes bytes written
 * @param dirs folders restored
 * @param symlinks symbolic links restored
 * @param failures what could not be restored, with its path (exit code 3)
 * @param piped the files piped into commands ({@code --pipe}), in order; absent without
 * @param durationMs how long the restore took
 * @param keptPathsCount in a cut summary only: how many kept paths the complete report lists
 */
public record RestoreReport(
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
    @JsonInclude(JsonInclude.Include.NON_NULL) List<PipedFile> piped,
    long durationMs,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer keptPathsCount) {

  /** A report of a restore into a target, with the files piped before it (or null). */
  public static RestoreReport of(
      String snapshotId,
      long files,
      long written,
      long unchanged,
      List<String> keptPaths,
      long bytes,
      long dirs,
      long symlinks,
      List<String> failures,
      List<PipedFile> piped,
      long durationMs) {
    return new RestoreReport(
        snapshotId,
        files,
        written,
        unchanged,
        keptPaths.size(),
        keptPaths,
        bytes,
        dirs,
        symlinks,
        failures,
        piped,
        durationMs,
        null);
  }

  /** A report of a run that only piped files into commands. */
  public static RestoreReport pipedOnly(String snapshotId, List<PipedFile> piped, long ms) {
    return of(snapshotId, 0, 0, 0, List.of(), 0, 0, 0, List.of(), piped, ms);
  }

  /**
   * One file piped into its command.
   *
   * @param path its path in the snapshot
   * @param bytes its size
   * @param sha256 its SHA-256, checked as it was piped
   */
  public record PipedFile(String path, long bytes, String sha256) {}
}
