package dev.arca.engine.prune;

import dev.arca.contract.PruneReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.format.Hex;
import dev.arca.engine.repo.GarbageMarks;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Garbage collection without locks, in two phases across runs (see FORMAT.md, "Prune"): a run
 * deletes the packs of garbage marks whose grace period has passed (unless a snapshot needs them
 * again), then marks the packs that no snapshot needs now, repacking partly used ones. Backups
 * never deduplicate against marked packs, and refuse to commit a snapshot that needs a pack whose
 * mark is near its deletion time, so a pack a finished snapshot needs is never deleted.
 */
public final class Prune {
  private Prune() {}

  public static PruneReport run(Repository repo, PruneOptions o) throws IOException {
    long t0 = System.nanoTime();
    Instant now = o.clock().instant();
    RepoState first = RepoState.load(repo, now);
    refuseIfDamaged(first);
    int packsBefore = first.packs.size();
    Sweep sweep = new Sweep();
    sweep.run(repo, first, now, o.clockMargin(), o.dryRun());

    RepoState second = o.dryRun() ? first : RepoState.load(repo, now);
    Mark mark = new Mark();
    mark.run(repo, second, o, now);

    int pending = GarbageMarks.markedPacks(second.marks).size() + mark.marked;
    if (o.dryRun()) {
      pending -= sweep.deleted + sweep.rescued;
    }
    if (o.grace().isZero() && mark.marked > 0 && !o.dryRun()) {
      // No grace period: delete what was just marked, unless a running backup may need it.
      Sweep now2 = new Sweep();
      Instant later = o.clock().instant();
      now2.run(repo, RepoState.load(repo, later), later, o.clockMargin(), false);
      sweep.deleted += now2.deleted;
      sweep.held = now2.held;
      sweep.reclaimed += now2.reclaimed;
      sweep.rescued += now2.rescued;
      sweep.retained += now2.retained;
      sweep.retainedPacks.addAll(now2.retainedPacks);
      if (now2.lockedUntil != null
          && (sweep.lockedUntil == null || now2.lockedUntil.isAfter(sweep.lockedUntil))) {
        sweep.lockedUntil = now2.lockedUntil;
      }
      pending = Math.max(0, pending - now2.deleted - now2.rescued);
    }
    int leftovers = o.dryRun() ? 0 : repo.storage().removeLeftovers(now.minus(o.grace()));
    if (!o.dryRun()) {
      // parts of runs that never committed: no longer roots, so the mark above took their packs
      for (String key : second.staleParts) {
        repo.storage().delete(key);
      }
    }
    int damageRecords = o.dryRun() ? 0 : DamageUpkeep.run(repo, second, mark.damaged, now);
    List<PruneReport.Erasure> erasures =
        ErasureCheck.run(repo, second, sweep.retainedPacks, o, o.clock().instant());
    return new PruneReport(
        o.dryRun(),
        second.snapshots.size(),
        packsBefore,
        mark.usedBytes,
        mark.unusedBytes,
        mark.marked,
        mark.markedBytes,
        mark.repacked,
        mark.repackedBytes,
        sweep.deleted,
        sweep.reclaimed,
        sweep.rescued,
        Math.max(0, pending),
        sweep.retained,
        leftovers,
        sweep.held,
        sweep.staleSessions,
        second.staleParts.size(),
        mark.damaged.size(),
        damageRecords,
        sweep.lockedUntil == null ? null : sweep.lockedUntil.toString(),
        erasures,
        new java.util.TreeMap<>(second.unreadableErasures),
        (System.nanoTime() - t0) / 1_000_000);
  }

  private static void refuseIfDamaged(RepoState s) {
    long missing = s.used.stream().filter(id -> s.index.get(Hex.parse(id)) == null).count();
    if (missing > 0) {
      throw new ArcaException(
          ArcaException.Kind.INTEGRITY,
          missing
              + " blobs that snapshots need are missing from the index; prune changed nothing."
              + " Run 'arca verify' to see which files are affected");
    }
  }
}
