package dev.arca.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What {@code arca copy --json} prints, and what the engine's copy returns.
 *
 * @param source the source repository (as its store describes itself, no credentials)
 * @param target the target repository
 * @param snapshots every snapshot the run was asked to copy, oldest first, with its outcome
 * @param unreadable source snapshots that could not be read (id to why); they were not copied
 * @param durationMs wall time of the run
 */
public record CopyReport(
    String source,
    String target,
    List<Copied> snapshots,
    Map<String, String> unreadable,
    long durationMs) {

  /** Outcome of a snapshot written into the target by this run. */
  public static final String COPIED = "copied";

  /** Outcome of a snapshot the target already held a copy of: nothing was written. */
  public static final String PRESENT = "present";

  /** Outcome of a snapshot that was not copied: the source's data is damaged ({@code damaged}). */
  public static final String FAILED = "failed";

  /** Whether every snapshot asked for is in the target and every source snapshot was readable. */
  public boolean ok() {
    return unreadable.isEmpty() && snapshots.stream().noneMatch(s -> FAILED.equals(s.outcome()));
  }

  /**
   * One snapshot.
   *
   * @param sourceId its id in the source
   * @param targetId the id of its copy in the target (null when it failed)
   * @param outcome {@link #COPIED}, {@link #PRESENT} or {@link #FAILED}
   * @param time when its backup started
   * @param host its host
   * @param paths its paths
   * @param files files it holds
   * @param bytes bytes of those files
   * @param filesRead files read from the source and stored by this run (the others were found in
   *     the target's parent snapshot, same path, size and SHA-256)
   * @param bytesRead bytes of those files
   * @param newBytes plaintext bytes of chunks the target did not have
   * @param storedBytes bytes of the packs and index objects written into the target
   * @param damaged what made it fail: each "path: why"
   */
  public record Copied(
      String sourceId,
      String targetId,
      String outcome,
      String time,
      String host,
      List<String> paths,
      long files,
      long bytes,
      long filesRead,
      long bytesRead,
      long newBytes,
      long storedBytes,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> damaged) {}
}
