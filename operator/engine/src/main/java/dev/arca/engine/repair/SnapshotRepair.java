package dev.arca.engine.repair;

import dev.arca.engine.ArcaException;
import dev.arca.engine.forget.Forget;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Checkpoint;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.CommitGuard;
import dev.arca.engine.repo.DamageRecords;
import dev.arca.engine.repo.PackPresence;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SessionKeeper;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code arca repair snapshots}: for every snapshot that names data the repository cannot give back
 * (a chunk missing from the index or only in copies recorded as damaged, a pack that is gone, a
 * folder listing that cannot be read), writes a new snapshot without those files and folders,
 * listing them; everything else keeps its data and restores as before. The old snapshots, and
 * snapshot objects that cannot be read at all, are forgotten only when asked. It runs as a writer
 * (a session, the commit check), and refuses while an index object cannot be read: a file would
 * look lost that {@code arca repair index} can bring back.
 */
public final class SnapshotRepair {
  /** Paths named per repaired snapshot; the rest are counted. */
  public static final int MAX_LISTED = 1_000;

  private SnapshotRepair() {}

  /**
   * One damaged snapshot and what its repair did.
   *
   * @param id the damaged snapshot
   * @param newId the repaired snapshot (null on a dry run, or when nothing could be kept)
   * @param leftOut files and folders ('/' at the end) left out, the first {@value #MAX_LISTED}
   * @param leftOutFiles files left out, counted (those in folders whose listing is lost are not)
   * @param leftOutBytes their size
   * @param nothingLeft its root listing cannot be read: nothing of it can be kept
   * @param forgotten the damaged snapshot was removed
   */
  public record Repaired(
      String id,
      String newId,
      List<String> leftOut,
      long leftOutFiles,
      long leftOutBytes,
      boolean nothingLeft,
      boolean forgotten) {}

  /**
   * What a run did.
   *
   * @param dryRun nothing was changed
   * @param snapshots snapshots checked
   * @param repaired the damaged ones
   * @param unreadable snapshot objects that cannot be read (id to why)
   * @param unreadableForgotten whether those were removed
   * @param durationMs wall time
   */
  public record Result(
      boolean dryRun,
      int snapshots,
      List<Repaired> repaired,
      Map<String, String> unreadable,
      boolean unreadableForgotten,
      long durationMs) {}

  /** Repairs every snapshot; {@code forget} removes the damaged ones once replaced. */
  public static Result run(
      Repository repo, boolean forget, boolean dryRun, Clock clock, Consumer<String> warn)
      throws IOException {
    long t0 = System.nanoTime();
    List<String> damagedIndex = new ArrayList<>();
    BlobIndex index = restorable(repo, damagedIndex, warn);
    if (!damagedIndex.isEmpty()) {
      throw ArcaException.integrity(
          "repair snapshots changed nothing: these index objects cannot be read, and the files"
              + " whose blobs they list would look lost: "
              + String.join("; ", damagedIndex)
              + ". Run 'arca repair index' first");
    }
    Snapshots.Listing listing = Snapshots.list(repo);
    List<Repaired> repaired = new ArrayList<>();
    if (dryRun) {
      TreeRewrite rewrite = new TreeRewrite(repo, index, new TreeStore(repo, index, true));
      for (Snapshots.Ref s : listing.readable()) {
        judge(rewrite, s, null, repaired);
      }
    } else {
      try (SessionKeeper session = SessionKeeper.open(repo, clock, "arca repair")) {
        TreeStore store = new TreeStore(repo, index, false);
        TreeRewrite rewrite = new TreeRewrite(repo, index, store);
        List<Snapshot> fresh = new ArrayList<>();
        for (Snapshots.Ref s : listing.readable()) {
          judge(rewrite, s, fresh, repaired);
        }
        store.finish();
        repaired = commit(repo, session, clock, fresh, repaired, forget);
      }
    }
    boolean dropUnreadable = forget && !dryRun && !listing.unreadable().isEmpty();
    if (dropUnreadable) {
      Forget.byId(repo, List.copyOf(listing.unreadable().keySet()), false);
    }
    return new Result(
        dryRun,
        listing.readable().size(),
        List.copyOf(repaired),
        new TreeMap<>(listing.unreadable()),
        dropUnreadable,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * The index of what can be restored: copies recorded as damaged and copies in packs that are gone
   * or cut short are left out (the latter recorded).
   */
  private static BlobIndex restorable(
      Repository repo, List<String> damagedIndex, Consumer<String> warn) throws IOException {
    DamageRecords.Known known = DamageRecords.list(repo, warn);
    BlobIndex index = repo.loadIndex(Set.of(), known, false, damagedIndex::add);
    return PackPresence.trusted(repo, index, warn);
  }

  /** Rewrites one snapshot's trees; a damaged one is added to {@code repaired} (and fresh). */
  private static void judge(
      TreeRewrite rewrite, Snapshots.Ref s, List<Snapshot> fresh, List<Repaired> repaired)
      throws IOException {
    Snapshot old = s.snapshot();
    TreeRewrite.Outcome o = rewrite.rewrite(old.tree());
    if (!o.unreadable() && o.newId().equals(old.tree())) {
      return; // intact
    }
    List<String> paths = new ArrayList<>();
    if (o.unreadable()) {
      paths.add("/");
    } else {
      rewrite.leftOut(old.tree(), MAX_LISTED, (path, size) -> paths.add(FileName.display(path)));
    }
    repaired.add(
        new Repaired(
            s.id(), null, List.copyOf(paths), o.files(), o.bytes(), o.unreadable(), false));
    if (fresh != null && !o.unreadable()) {
      fresh.add(repairedCopy(s, o, wholeCheckpoints(rewrite, old)));
    }
  }

  /**
   * The checkpoints {@code old} lists whose folders the repair left whole: a checkpoint that lost a
   * file is no longer one the snapshot holds whole. Null when {@code old} lists none.
   */
  private static List<Checkpoint> wholeCheckpoints(TreeRewrite rewrite, Snapshot old) {
    if (old.checkpoints() == null) {
      return null;
    }
    List<Checkpoint> out = new ArrayList<>();
    for (Checkpoint c : old.checkpoints()) {
      if (rewrite.intact(old.tree(), c.path())) {
        out.add(c);
      }
    }
    return out;
  }

  private static Snapshot repairedCopy(
      Snapshots.Ref s, TreeRewrite.Outcome o, List<Checkpoint> checkpoints) {
    Snapshot old = s.snapshot();
    Snapshot.Stats stats =
        old.stats() == null ? null : old.stats().without(o.files(), 0, o.bytes());
    return new Snapshot(
        old.time(),
        old.host(),
        old.paths(),
        old.tags(),
        old.parent(),
        old.mode(),
        o.newId(),
        old.includes(),
        old.excludes(),
        stats,
        "arca " + SnapshotRepair.class.getPackage().getImplementationVersion(),
        s.id(),
        checkpoints);
  }

  /** Writes the repaired snapshots (each checked first) and forgets the damaged ones if asked. */
  private static List<Repaired> commit(
      Repository repo,
      SessionKeeper session,
      Clock clock,
      List<Snapshot> fresh,
      List<Repaired> repaired,
      boolean forget)
      throws IOException {
    List<Repaired> out = new ArrayList<>();
    int next = 0;
    for (Repaired r : repaired) {
      String newId = null;
      if (!r.nothingLeft()) {
        Snapshot s = fresh.get(next++);
        session.checkAlive();
        CommitGuard.check(repo, s.tree(), session.started(), clock.instant());
        newId = Snapshots.save(repo, s);
      }
      if (forget) {
        Forget.byId(repo, List.of(r.id()), false);
      }
      out.add(
          new Repaired(
              r.id(),
              newId,
              r.leftOut(),
              r.leftOutFiles(),
              r.leftOutBytes(),
              r.nothingLeft(),
              forget));
    }
    return out;
  }
}
