package dev.arca.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code arca restore --json} prints, and what the engine's restore returns. Every regular
 * file of the selection is counted once: {@code files} = {@code written} + {@code unchanged} +
 * {@code kept} + the files named in {@code failures}. A run that only pipes files into commands
 * ({@code --pipe} without a target) restores no files: its counts are 0.
 *
 * @param snapshotId the snapshot restored
 * @param files regular files the selection holds (the whole snapshot, or what the includes select)
 * @param written files written from the snapshot
 * @param unchanged files already there with the snapshot's content, left as they were
 * @param kept files there with other content, left alone ({@code --overwrite never}): the target
 *     now holds a mix of the two versions
 * @param keptPaths the first of the kept files by path (the engine names at most 20)
 * @param bytes bytes written
 * @param dirs folders restored
 * @param symlinks symbolic links restored
 * @param failures entries that could not be restored, each "path: reason" (exit code 1, or 3 when
 *     {@code damaged})
 * @param piped the files piped into commands ({@code --pipe}), in order; absent without
 * @param damaged whether a failure was caused by damaged repository data
 * @param durationMs wall time
 * @param keptPathsCount in a cut summary only: how many kept paths the complete report lists
 * @param checkpoint with {@code --checkpoint}: the checkpoint restored (its folder is all the
 *     restore selected); absent otherwise
 * @param checkpointsRejected the checkpoints {@code --checkpoint --verify-first} tried before the
 *     one restored and rejected, in the order tried; an empty list when none was (and on every
 *     other restore); absent in the reports of older CLIs
 * @param checkpointsRejectedCount in a cut summary only: how many rejected checkpoints the complete
 *     report lists
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
    boolean damaged,
    long durationMs,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer keptPathsCount,
    @JsonInclude(JsonInclude.Include.NON_NULL) ChosenCheckpoint checkpoint,
    List<RejectedCheckpoint> checkpointsRejected,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer checkpointsRejectedCount) {

  /** What a restore into a target did (nothing piped). */
  public static RestoreReport restored(
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
    return new RestoreReport(
        snapshotId,
        files,
        written,
        unchanged,
        kept,
        keptPaths,
        bytes,
        dirs,
        symlinks,
        failures,
        null,
        damaged,
        durationMs,
        null,
        null,
        List.of(),
        null);
  }

  /** This report with the files piped before the restore (null: none). */
  public RestoreReport withPiped(List<PipedFile> pipedFiles) {
    return with(pipedFiles, checkpoint, checkpointsRejected);
  }

  /**
   * This report of the restore of one checkpoint: {@code chosen}, after the checks rejected {@code
   * rejected} (in the order tried).
   */
  public RestoreReport withCheckpoint(ChosenCheckpoint chosen, List<RejectedCheckpoint> rejected) {
    return with(piped, chosen, List.copyOf(rejected));
  }

  /** This report with these piped files and checkpoints (the rest as they are). */
  private RestoreReport with(
      List<PipedFile> pipedFiles, ChosenCheckpoint chosen, List<RejectedCheckpoint> rejected) {
    return new RestoreReport(
        snapshotId,
        files,
        written,
        unchanged,
        kept,
        keptPaths,
        bytes,
        dirs,
        symlinks,
        failures,
        pipedFiles,
        damaged,
        durationMs,
        keptPathsCount,
        chosen,
        rejected,
        checkpointsRejectedCount);
  }

  /**
   * How many checkpoints were rejected: the list's size, or a cut summary's count; null when
   * neither is known (a report of an older CLI).
   */
  public Integer checkpointsRejectedTotal() {
    return checkpointsRejected != null
        ? Integer.valueOf(checkpointsRejected.size())
        : checkpointsRejectedCount;
  }

  /** A report of a run that only piped files into commands. */
  public static RestoreReport pipedOnly(String snapshotId, List<PipedFile> piped, long ms) {
    return restored(snapshotId, 0, 0, 0, 0, List.of(), 0, 0, 0, List.of(), false, ms)
        .withPiped(piped);
  }

  /**
   * One file piped into its command.
   *
   * @param path its path in the snapshot
   * @param bytes its size
   * @param sha256 its SHA-256, checked as it was piped
   */
  public record PipedFile(String path, long bytes, String sha256) {}

  /**
   * The checkpoint a restore with {@code --checkpoint} chose and restored.
   *
   * @param path its folder's path in the snapshot ({@code train/runs/a/checkpoint-1200})
   * @param step its step
   * @param snapshotId the snapshot it was restored from
   */
  public record ChosenCheckpoint(
      String path, @JsonInclude(JsonInclude.Include.NON_NULL) Long step, String snapshotId) {}

  /**
   * A checkpoint {@code --verify-first} did not restore because its data failed the check.
   *
   * @param path its folder's path in the snapshot
   * @param step its step
   * @param snapshotId the snapshot that holds it
   * @param reason what is missing or damaged (the first problem found)
   */
  public record RejectedCheckpoint(
      String path,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long step,
      String snapshotId,
      String reason) {}
}
