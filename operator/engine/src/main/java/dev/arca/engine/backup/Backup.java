package dev.arca.engine.backup;

import dev.arca.contract.BackupReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.DaemonThreads;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Checkpoint;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Part;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.fs.PathFilter;
import dev.arca.engine.repo.CommitGuard;
import dev.arca.engine.repo.Parts;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SessionKeeper;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * One backup run, in three steps: plans it ({@link BackupPlan}: the sources, the index to
 * deduplicate against, the parent snapshot), walks the sources storing what the repository lacks
 * ({@link Walker}, {@link FileReader}, {@link Streams}, {@link ChunkSink}), and commits a snapshot.
 *
 * <p>Order of writes: packs, then the index of the new blobs, then the snapshot. A run that dies
 * before the snapshot leaves no visible snapshot; its packs are reused by later runs once indexed,
 * or collected by prune.
 */
public final class Backup {
  private final Repository repo;
  private final BackupOptions opts;
  private final Consumer<String> warn;

  private Backup(Repository repo, BackupOptions opts) {
    this.repo = repo;
    this.opts = opts;
    this.warn = m -> opts.progress().warn(m);
  }

  /** Backs up what {@code opts} names into {@code repo} and commits one snapshot. */
  public static BackupReport run(Repository repo, BackupOptions opts) throws IOException {
    if (opts.part() != null) {
      throw new IllegalArgumentException("a part of a run is backed up with runPart");
    }
    return new Backup(repo, opts).run(null);
  }

  /**
   * What one part of a parallel run stored.
   *
   * @param partId the part object's id
   * @param reused whether an earlier attempt of this part had already written it (nothing was read)
   * @param figures what the part read and stored ({@code snapshotId} is null: a part is no
   *     snapshot)
   */
  public record PartResult(String partId, boolean reused, BackupReport figures) {}

  /**
   * Backs up this part's share of a parallel run ({@link BackupOptions#part}) and writes its part
   * object, which the run's commit ({@link PartsCommit}) joins with the others into one snapshot. A
   * part whose object an earlier attempt already wrote is not run again.
   */
  public static PartResult runPart(Repository repo, BackupOptions opts) throws IOException {
    PartSpec p = opts.part();
    if (p.split() && !opts.checkpoints().isEmpty()) {
      throw ArcaException.usage(
          "--checkpoints cannot be used by parts that split one file set (a checkpoint's files"
              + " would be read by different parts); give each part its own sources instead");
    }
    Parts.Ref done = PartsCommit.find(repo, p);
    if (done != null) {
      return new PartResult(
          done.id(), true, report(null, done.part().snapshot(), List.of(), List.of(), 0));
    }
    String[] id = new String[1];
    BackupReport r = new Backup(repo, opts).run(id);
    return new PartResult(id[0], false, r);
  }

  /** {@code partId}: null for a whole backup, else where the part object's id goes. */
  private BackupReport run(String[] partId) throws IOException {
    BackupPlan plan = BackupPlan.of(opts);
    if (opts.progress().wantsTotals()) {
      Scan.start(plan.paths(), plan.names(), filter(), opts.progress());
    }
    PartSpec part = opts.part();
    SplitPlan split =
        part != null && part.split()
            ? SplitPlan.of(plan.paths(), plan.names(), plan.sources(), filter(), part)
            : null;
    // Packs marked as garbage may be deleted by a prune run: never deduplicate against them.
    // The writer session comes first: marks made after it started cannot be swept while it lives.
    try (SessionKeeper session = SessionKeeper.open(repo, opts.clock(), opts.host())) {
      BlobIndex index = index();
      Snapshots.Ref parent = parent(plan);
      return walkAndCommit(plan, index, parent, session, split, partId);
    }
  }

  /** The sources the snapshot will have: a part's run's, or this backup's own. */
  private List<String> snapshotSources(BackupPlan plan) {
    PartSpec p = opts.part();
    return p != null && !p.split() ? p.runSources() : plan.sources();
  }

  /**
   * The index to deduplicate against. Damaged index objects and marks are passed over (what they
   * list is stored anew), and so are copies recorded as damaged: their content is stored anew from
   * the source.
   */
  private BlobIndex index() throws IOException {
    BlobIndex index = repo.loadIndexForWriting(warn);
    if (opts.full()) {
      // --full trusts no copy whose pack is gone or cut short
      index = dev.arca.engine.repo.PackPresence.trusted(repo, index, warn);
    }
    return index;
  }

  /**
   * The parent snapshot (same host, sources and tags), or null; damaged snapshots are passed over
   * as parents: one damaged object never stops the next backup.
   */
  private Snapshots.Ref parent(BackupPlan plan) throws IOException {
    Snapshots.Listing listing = Snapshots.list(repo);
    listing
        .unreadable()
        .forEach((id, why) -> warn.accept(why + "; not considered as the parent snapshot"));
    return Snapshots.parent(listing.readable(), opts.host(), snapshotSources(plan), plan.tags());
  }

  private BackupReport walkAndCommit(
      BackupPlan plan,
      BlobIndex index,
      Snapshots.Ref parent,
      SessionKeeper session,
      SplitPlan split,
      String[] partId)
      throws IOException {
    ExecutorService files = DaemonThreads.pool(opts.threads(), "arca-backup");
    ExecutorService workers = DaemonThreads.pool(opts.threads(), "arca-chunks");
    ExecutorService folders = DaemonThreads.pool(FolderReads.THREADS, "arca-folders");
    CheckpointGate gate = new CheckpointGate(opts.checkpoints(), filter(), opts.progress());
    try (ChunkSink sink = new ChunkSink(repo, index, opts.memoryBudget())) {
      FileReader reader =
          new FileReader(
              sink,
              repo.chunker(),
              repo.config().chunker(),
              workers,
              opts.memoryBudget(),
              opts.progress());
      Walker walker =
          new Walker(
              repo,
              index,
              sink,
              reader,
              files,
              folders,
              filter(),
              opts.full(),
              opts.threads(),
              opts.progress(),
              gate,
              split);
      String treeId = walk(plan, parent, walker, reader, split);
      Snapshot.Stats stats = flush(sink, walker.counters());
      walker.parentDamage().record(repo, warn); // before the snapshot that relies on new copies
      return commit(plan, parent, treeId, stats, gate, walker, session, split, partId);
    } finally {
      files.shutdownNow();
      workers.shutdownNow();
      folders.shutdownNow();
    }
  }

  /**
   * Walks the sources (unchanged files by their parent's entries, unless {@code --full}) and reads
   * the streams, and stores the root tree; returns its id.
   */
  private String walk(
      BackupPlan plan, Snapshots.Ref parent, Walker walker, FileReader reader, SplitPlan split)
      throws IOException {
    Map<String, Node> parentRoot = Map.of();
    if (parent != null && !opts.full()) {
      parentRoot = walker.children(parent.snapshot().tree(), "(root)");
    }
    List<CompletableFuture<Node>> roots = new ArrayList<>();
    for (int i = 0; i < plan.paths().size(); i++) {
      String name = plan.names().get(i);
      roots.add(walker.entry(plan.paths().get(i), name, parentRoot.get(name), true));
    }
    // streams are read while the pools work on the files; a failed command fails the run
    // parts that split one file set leave the streams to part 0
    List<StreamSource> streams = split == null || split.ownsTheRest() ? opts.streams() : List.of();
    Map<String, Node> streamed = Streams.read(streams, reader, walker.counters(), opts.progress());
    List<Node> nodes =
        new ArrayList<>(
            Streams.roots(streamed, walker.counters(), l -> walker.storeTree(l, "(streams)")));
    for (CompletableFuture<Node> f : roots) {
      Node n = Futures.join(f);
      if (n != null) {
        nodes.add(n);
      }
    }
    return walker.storeTree(nodes, "");
  }

  /** Stores the last packs and then the index of every new blob; returns the run's figures. */
  private Snapshot.Stats flush(ChunkSink sink, Counters c) throws IOException {
    sink.flush();
    List<BlobIndex.Location> blobs = sink.newBlobs();
    long indexBytes = 0;
    for (String key : repo.saveIndexes(blobs)) {
      indexBytes += repo.storage().size(key);
    }
    long stored = sink.storedBytes.get() + indexBytes;
    return new Snapshot.Stats(
        c.files.get(),
        c.dirs.get(),
        c.bytes.get(),
        sink.newBytes.get(),
        stored,
        c.unchanged.get(),
        c.special.get(),
        c.changed.get());
  }

  /**
   * Writes the snapshot, the commit point, once the writer session is known alive and the {@link
   * CommitGuard} has found no blob it needs in packs a prune run may be deleting.
   */
  private BackupReport commit(
      BackupPlan plan,
      Snapshots.Ref parent,
      String treeId,
      Snapshot.Stats stats,
      CheckpointGate gate,
      Walker walker,
      SessionKeeper session,
      SplitPlan split,
      String[] partId)
      throws IOException {
    Counters c = walker.counters();
    boolean full = opts.full() || parent == null;
    // listed only when asked to look for checkpoints: a snapshot without the field says nothing
    if (!opts.checkpoints().isEmpty()) {
      gate.warnIfNoneMatched(opts.checkpoints().folders());
    }
    List<Checkpoint> held = opts.checkpoints().isEmpty() ? null : gate.listed();
    Snapshot snapshot =
        new Snapshot(
            plan.started(),
            opts.host(),
            snapshotSources(plan),
            plan.tags(),
            parent == null ? null : parent.id(),
            full ? "full" : "incremental",
            treeId,
            opts.includes(),
            opts.excludes(),
            stats,
            "arca " + Backup.class.getPackage().getImplementationVersion(),
            null,
            held);
    session.checkAlive();
    if (partId != null) {
      // not a commit point: the commit of the run checks the guard for the joined snapshot
      List<String> unreadable = List.copyOf(new java.util.TreeSet<>(c.unreadable));
      List<Part.Piece> pieces = walker.pieces();
      PartSpec p = opts.part();
      partId[0] =
          Parts.save(
              repo,
              new Part(
                  p.run(),
                  p.index(),
                  p.count(),
                  split == null ? null : split.digest(),
                  snapshot,
                  unreadable.isEmpty() ? null : PartsCommit.bounded(unreadable),
                  pieces.isEmpty() ? null : pieces));
      return result(null, snapshot, c, gate, plan.t0());
    }
    CommitGuard.check(repo, treeId, session.started(), opts.clock().instant());
    String id = Snapshots.save(repo, snapshot);
    return result(id, snapshot, c, gate, plan.t0());
  }

  private static BackupReport result(
      String id, Snapshot snapshot, Counters c, CheckpointGate gate, long t0) {
    return report(
        id,
        snapshot,
        List.copyOf(new HashSet<>(c.unreadable)),
        gate.skipped(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * The report of a snapshot (or part) {@code snapshot} saved as {@code id}, by a run that took
   * {@code durationMs} and left out the checkpoints {@code skipped}.
   */
  static BackupReport report(
      String id,
      Snapshot snapshot,
      List<String> unreadable,
      List<dev.arca.contract.SkippedCheckpoint> skipped,
      long durationMs) {
    Snapshot.Stats stats = snapshot.stats();
    List<dev.arca.contract.Checkpoint> held = new ArrayList<>();
    if (snapshot.checkpoints() != null) {
      snapshot
          .checkpoints()
          .forEach(k -> held.add(new dev.arca.contract.Checkpoint(k.path(), k.step())));
    }
    return new BackupReport(
        id,
        snapshot.parent(),
        snapshot.mode(),
        stats.files(),
        stats.dirs(),
        stats.bytes(),
        stats.newBytes(),
        stats.storedBytes(),
        stats.unchangedFiles(),
        stats.skippedSpecial(),
        stats.changedWhileReading(),
        unreadable,
        held,
        skipped,
        durationMs,
        false);
  }

  private PathFilter filter() {
    return new PathFilter(opts.includes(), opts.excludes());
  }
}
