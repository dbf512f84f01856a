package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The backup's side of the prune protocol, checked just before a snapshot is written: if the new
 * snapshot needs a blob found only in packs whose garbage mark is close to its deletion time, and
 * the backup's writer session does not hold that mark (it was made before the session started), the
 * backup fails instead of committing a snapshot whose data a prune run may be deleting. Nothing is
 * lost: the snapshot is not written, and the next backup stores the data again. A writer in a key
 * domain that was destroyed while it ran fails here too, and writes no snapshot.
 */
public final class CommitGuard {
  /**
   * Marks made later than this before a session started count as held by it (the clocks of the
   * backup's and the prune's hosts may differ by this much).
   */
  static final java.time.Duration SESSION_MARGIN = java.time.Duration.ofMinutes(5);

  private CommitGuard() {}

  /**
   * Throws if the snapshot with root tree {@code rootTree} must not be committed at {@code now} by
   * a backup whose writer session started at {@code sessionStarted}.
   */
  public static void check(Repository repo, String rootTree, Instant sessionStarted, Instant now)
      throws IOException {
    KeyDomains.refuseIfDestroyed(repo.storage());
    Instant held = sessionStarted.minus(SESSION_MARGIN);
    // a mark or index object that cannot be read is passed over: prune deletes nothing while one
    // cannot be read, and the backup stored anew what the damaged index lists
    List<GarbageMarks.Ref> marks = GarbageMarks.list(repo, ignored -> {});
    Set<String> doomed = new HashSet<>();
    for (GarbageMarks.Ref m : marks) {
      if (m.time().isBefore(held) && !m.safeToReference(now)) {
        doomed.addAll(m.mark().packs());
      }
    }
    if (doomed.isEmpty()) {
      return;
    }
    BlobIndex index =
        repo.loadIndex(
            GarbageMarks.markedPacks(marks), DamageRecords.Known.none(), true, ignored -> {});
    for (String id : References.ofTrees(repo, index, List.of(rootTree))) {
      BlobIndex.Location l = index.get(Hex.parse(id));
      if (l != null && doomed.contains(Hex.of(l.pack()))) {
        throw new ArcaException(
            ArcaException.Kind.ERROR,
            "a prune run is deleting data this backup needs (blob "
                + id
                + "); no snapshot was written. Run the backup again: it stores the data anew");
      }
    }
  }
}
