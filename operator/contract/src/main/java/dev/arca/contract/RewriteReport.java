package dev.arca.contract;

import java.util.List;
import java.util.Map;

/**
 * What {@code arca rewrite --json} prints, and what the engine's rewrite returns. Paths are shown
 * as people read them ({@code \xNN} for bytes that are not UTF-8).
 *
 * @param dryRun nothing was changed
 * @param keptOriginals the original snapshots were kept ({@code --keep-originals}): nothing is
 *     erased until they are forgotten
 * @param snapshots every snapshot the run was asked to rewrite, oldest first, with its outcome
 * @param removed paths the excludes removed (a folder ends in {@code /} and stands for everything
 *     in it), each once, at most 1,000
 * @param removedMore removed paths past those listed
 * @param filtered paths of files the stream filters rewrote
 * @param unmatched excludes and stream filter paths that matched nothing in any snapshot
 * @param erasure what the run left for prune to erase (null on a dry run, with kept originals, or
 *     when no snapshot changed)
 * @param unreadable snapshots that could not be read (id to why): not rewritten
 * @param durationMs wall time of the run
 */
public record RewriteReport(
    boolean dryRun,
    boolean keptOriginals,
    List<Rewritten> snapshots,
    List<String> removed,
    long removedMore,
    List<String> filtered,
    List<String> unmatched,
    Erasure erasure,
    Map<String, String> unreadable,
    long durationMs) {

  /** Outcome of a snapshot that was rewritten (or would be, on a dry run). */
  public static final String REWRITTEN = "rewritten";

  /** Outcome of a snapshot that held nothing the run removes or filters: left as it is. */
  public static final String UNCHANGED = "unchanged";

  /** Outcome of a snapshot that was not rewritten because it is damaged ({@code why}). */
  public static final String DAMAGED = "damaged";

  /** Whether every snapshot asked for could be read and was rewritten or had nothing to change. */
  public boolean ok() {
    return unreadable.isEmpty() && snapshots.stream().noneMatch(s -> DAMAGED.equals(s.outcome()));
  }

  /**
   * One snapshot.
   *
   * @param from its id
   * @param to the id of its rewrite (null when unchanged, damaged, or on a dry run)
   * @param outcome {@link #REWRITTEN}, {@link #UNCHANGED} or {@link #DAMAGED}
   * @param time when its backup started
   * @param host its host
   * @param removedFiles files removed from it
   * @param removedDirs folders removed from it
   * @param removedBytes bytes of the removed files, and bytes the filters took out of files
   * @param filteredFiles files the stream filters rewrote in it
   * @param forgotten the original was forgotten
   * @param why what is damaged (null unless damaged)
   */
  public record Rewritten(
      String from,
      String to,
      String outcome,
      String time,
      String host,
      long removedFiles,
      long removedDirs,
      long removedBytes,
      long filteredFiles,
      boolean forgotten,
      String why) {}

  /**
   * What prune is to erase: blobs only the erased data needed, recorded in the repository (erasure
   * records) so that prune removes them, repacking what shares their packs, and confirms them gone;
   * and blobs erased data shares with data that stays, which stay.
   *
   * @param run the erasure's id, as {@code arca prune} reports on it
   * @param records the keys of its erasure records
   * @param erasedBlobs blobs only erased data needed: gone after prune
   * @param sharedBlobs blobs erased data needed that data which stays needs too: they stay
   * @param shared where some of those stay (at most 1,000)
   */
  public record Erasure(
      String run,
      List<String> records,
      long erasedBlobs,
      long sharedBlobs,
      List<SharedBlob> shared) {}

  /**
   * A blob of erased data that stays.
   *
   * @param blob its id
   * @param snapshot a snapshot that needs it
   * @param path what needs it there: a file, or a folder (its listing) ending in {@code /}
   */
  public record SharedBlob(String blob, String snapshot, String path) {}
}
