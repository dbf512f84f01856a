package dev.arca.engine.forget;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Packs;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.References;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.ObjectLock;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Extends Object Lock retention when retention keeps a snapshot longer than the lock set at write
 * time covers (FORMAT.md "Object Lock"): for each kept snapshot whose time rules (hourly to yearly)
 * may keep it past its write plus the lock's days, its snapshot object and every pack holding a
 * blob it needs are locked until that horizon, unless already locked as long. Snapshots kept only
 * by count rules ({@code last}, checkpoints) set no horizon and are not extended.
 */
final class LockExtension {
  /**
   * What an extension did: objects whose retention it extended, the latest new date, and the kept
   * snapshots whose locks it could not extend (id to why: a listing that cannot be read).
   */
  record Extended(int objects, Instant latest, Map<String, String> failed) {}

  private LockExtension() {}

  /**
   * Extends the locks of the {@code kept} snapshots ({@code snapshots} by id) as {@code policy}'s
   * time rules say; nothing when the repository's store sets no lock.
   */
  static Extended run(
      Repository repo,
      Retention policy,
      List<Forget.Decision> kept,
      Map<String, Snapshot> snapshots)
      throws IOException {
    ObjectLock lock = repo.storage().objectLock();
    if (lock == null || kept.isEmpty()) {
      return new Extended(0, null, Map.of());
    }
    Map<String, String> failed = new java.util.TreeMap<>();
    Map<String, Instant> want = new HashMap<>(); // object key to the date it must be locked until
    BlobIndex index = null;
    for (Forget.Decision d : kept) {
      Snapshot s = snapshots.get(d.id());
      if (s == null) {
        continue;
      }
      Instant time = Instant.parse(s.time());
      Instant horizon = ceilSeconds(policy.horizon(time, d.reasons()));
      if (horizon == null || !horizon.isAfter(time.plus(lock.period()))) {
        continue; // the lock set when it was written covers it
      }
      if (index == null) {
        index = repo.loadIndex();
      }
      Set<String> blobs;
      try {
        blobs = References.ofTrees(repo, index, List.of(s.tree()));
      } catch (dev.arca.engine.ArcaException e) {
        failed.put(d.id(), e.getMessage()); // its packs keep the lock they were written with
        continue;
      }
      want.merge(Snapshot.PREFIX + d.id(), horizon, LockExtension::later);
      for (String blob : blobs) {
        BlobIndex.Location l = index.get(Hex.parse(blob));
        if (l != null) {
          want.merge(Packs.key(l.pack()), horizon, LockExtension::later);
        }
      }
    }
    int extended = 0;
    Instant latest = null;
    for (Map.Entry<String, Instant> e : want.entrySet()) {
      Instant now = repo.storage().retainedUntil(e.getKey());
      if (now == null || now.isBefore(e.getValue())) {
        repo.storage().extendRetention(e.getKey(), lock.mode(), e.getValue());
        extended++;
        latest = later(latest, e.getValue());
      }
    }
    return new Extended(extended, latest, failed);
  }

  /** {@code t} rounded up to a whole second: stores keep retention dates to the second or ms. */
  static Instant ceilSeconds(Instant t) {
    if (t == null) {
      return null;
    }
    Instant s = t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return s.equals(t) ? s : s.plusSeconds(1);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
