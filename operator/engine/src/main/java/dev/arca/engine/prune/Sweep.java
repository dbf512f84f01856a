package dev.arca.engine.prune;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.GarbageMarks;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.WriterSessions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deleting half of prune: packs of marks past their grace period are deleted unless a snapshot
 * needs a blob found nowhere else, or a live writer session may depend on them (its backup may have
 * listed the marks before the mark was made: the mark is held until the session ends). Order
 * matters for crash safety: first new index objects without the doomed packs, then the old index
 * objects, then the packs, then the marks. A run killed at any step leaves a repository whose index
 * never names a deleted pack that no mark covers, and the next run finishes the job.
 */
final class Sweep {
  int deleted;
  long reclaimed;
  int rescued;
  int retained;
  int held;
  int staleSessions;
  final Set<String> deletedPacks = new HashSet<>();

  /** The latest Object Lock date of the packs deleted whose bytes the store keeps, or null. */
  Instant lockedUntil;

  /** Packs deleted whose bytes the store keeps (a versioned bucket). */
  final Set<String> retainedPacks = new HashSet<>();

  void run(Repository repo, RepoState s, Instant now, Duration clockMargin, boolean dryRun)
      throws IOException {
    List<WriterSessions.Ref> live = new ArrayList<>();
    for (WriterSessions.Ref w : s.sessions) {
      if (w.liveAt(now)) {
        live.add(w);
      } else if (!dryRun) {
        repo.storage().delete(w.key()); // a killed backup's: it holds nothing any more
        staleSessions++;
      }
    }
    List<GarbageMarks.Ref> due = new ArrayList<>();
    Set<String> doomed = new HashSet<>();
    for (GarbageMarks.Ref m : s.marks) {
      if (now.isBefore(m.deleteAfter())) {
        continue;
      }
      if (live.stream().anyMatch(w -> w.holds(m.time(), clockMargin))) {
        held++;
        continue;
      }
      due.add(m);
      doomed.addAll(m.mark().packs());
    }
    if (due.isEmpty()) {
      return;
    }
    // A used blob with no location outside the doomed packs keeps its pack.
    Map<String, List<BlobIndex.Location>> byPack = s.entriesByPack();
    Set<String> safe = new HashSet<>();
    for (Map.Entry<String, List<BlobIndex.Location>> e : byPack.entrySet()) {
      if (!doomed.contains(e.getKey()) && s.packs.containsKey(e.getKey())) {
        e.getValue().forEach(l -> safe.add(Hex.of(l.id())));
      }
    }
    Set<String> keep = new HashSet<>();
    for (String pack : doomed) {
      for (BlobIndex.Location l : byPack.getOrDefault(pack, List.of())) {
        String id = Hex.of(l.id());
        if (s.used.contains(id) && !safe.contains(id)) {
          keep.add(pack);
          break;
        }
      }
    }
    rescued = keep.size();
    doomed.removeAll(keep);
    for (String pack : doomed) {
      RepoState.Pack p = s.packs.get(pack);
      if (p != null) {
        deleted++;
        reclaimed += p.size();
      }
    }
    if (dryRun) {
      return;
    }
    rewriteIndex(repo, s, doomed);
    Instant now2 = Instant.now();
    for (String pack : doomed) {
      String key = Packs.key(Hex.parse(pack));
      Instant until = s.packs.containsKey(pack) ? repo.storage().retainedUntil(key) : null;
      if (s.packs.containsKey(pack) && !repo.storage().delete(key)) {
        retained++;
        retainedPacks.add(pack);
        if (until != null
            && until.isAfter(now2)
            && (lockedUntil == null || until.isAfter(lockedUntil))) {
          lockedUntil = until;
        }
      }
      deletedPacks.add(pack);
    }
    for (GarbageMarks.Ref m : due) {
      repo.storage().delete(m.key());
    }
  }

  /** Replaces the index objects that name doomed packs with ones that do not. */
  private static void rewriteIndex(Repository repo, RepoState s, Set<String> doomed)
      throws IOException {
    List<String> old = new ArrayList<>();
    List<BlobIndex.Location> kept = new ArrayList<>();
    for (Map.Entry<String, List<BlobIndex.Location>> e : s.indexObjects.entrySet()) {
      boolean touched = false;
      for (BlobIndex.Location l : e.getValue()) {
        if (doomed.contains(Hex.of(l.pack()))) {
          touched = true;
          break;
        }
      }
      if (!touched) {
        continue;
      }
      old.add(e.getKey());
      for (BlobIndex.Location l : e.getValue()) {
        if (!doomed.contains(Hex.of(l.pack()))) {
          kept.add(l);
        }
      }
    }
    repo.saveIndexes(kept);
    for (String key : old) {
      repo.storage().delete(key);
    }
  }
}
