package dev.arca.engine.backup;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.fs.PathFilter;
import dev.arca.engine.repo.CommitGuard;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SessionKeeper;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * One backup run: walks the sources, stores what the repository lacks, and commits a snapshot.
 *
 * <p>Order of writes: packs, then the index of the new blobs, then the snapshot. A run that dies
 * before the snapshot leaves no visible snapshot; its packs are reused by later runs once indexed,
 * or collected by prune.
 */
public final class Backup {
  private final Repository repo;
  private final BackupOptions opts;

  private Backup(Repository repo, BackupOptions opts) {
    this.repo = repo;
    this.opts = opts;
  }

  public static BackupResult run(Repository repo, BackupOptions opts) throws IOException {
    return new Backup(repo, opts).run();
  }

  private BackupResult run() throws IOException {
    long t0 = System.nanoTime();
    String started = opts.clock().instant().toString();
    List<Path> paths = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path p : opts.paths()) {
      Path abs = p.toAbsolutePath().normalize();
      if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        throw ArcaException.usage("backup path " + abs + " does not exist");
      }
      if (abs.getFileName() == null) {
        throw ArcaException.usage("cannot back up '/' itself; give the folders below it");
      }
      String name = abs.getFileName().toString();
      if (names.contains(name)) {
        throw ArcaException.usage(
            "two backup paths share the name '" + name + "'; back them up in separate snapshots");
      }
      paths.add(abs);
      names.add(name);
    }
    if (paths.isEmpty() && opts.streams().isEmpty()) {
      throw ArcaException.usage("nothing to back up: give at least one PATH or stream");
    }
    Streams.check(opts.streams(), names);
    // the snapshot's sources: folders by absolute path, streams as stream:PATH
    List<String> pathStrings = new ArrayList<>(paths.stream().map(Path::toString).toList());
    opts.streams().forEach(st -> pathStrings.add("stream:" + st.path()));
    Map<String, String> tags = new TreeMap<>(opts.tags());

    if (opts.progress().wantsTotals()) {
      Scan.start(paths, names, new PathFilter(opts.includes(), opts.excludes()), opts.progress());
    }
    // Packs marked as garbage may be deleted by a prune run: never deduplicate against them.
    // The writer session comes first: marks made after it started cannot be swept while it lives.
    try (SessionKeeper session = SessionKeeper.open(repo, opts.clock(), opts.host())) {
      return run(t0, started, paths, names, pathStrings, tags, session);
    }
  }

  private BackupResult run(
      long t0,
      String started,
      List<Path> paths,
      List<String> names,
      List<String> pathStrings,
      Map<String, String> tags,
      SessionKeeper session)
      throws IOException {
    // Damaged index objects and marks are passed over (what they list is stored anew), and so are
    // damaged snapshots as parents: one damaged object never stops the next backup.
    java.util.function.Consumer<String> warn = m -> opts.progress().warn(m);
    // Copies recorded as damaged are left out too: their content is stored anew from the source.
    BlobIndex index = repo.loadIndexForWriting(warn);
    if (opts.full()) {
      // --full trusts no copy whose pack is gone or cut short
      index = dev.arca.engine.repo.PackPresence.trusted(repo, index, warn);
    }
    Snapshots.Listing listing = Snapshots.list(repo);
    listing
        .unreadable()
        .forEach((id, why) -> warn.accept(why + "; not considered as the parent snapshot"));
    Snapshots.Ref parent = Snapshots.parent(listing.readable(), opts.host(), pathStrings, tags);
    boolean full = opts.full() || parent == null;

    ThreadFactory daemon =
        r -> {
          Thread t = new Thread(r, "arca-backup");
          t.setDaemon(true);
          return t;
        };
    ExecutorService files = Executors.newFixedThreadPool(opts.threads(), daemon);
    ExecutorService workers = Executors.newFixedThreadPool(opts.threads(), daemon);
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
              new PathFilter(opts.includes(), opts.excludes()),
              opts.full(),
              opts.threads(),
              opts.progress());
      Map<String, Node> parentRoot = Map.of();
      if (parent != null && !opts.full()) {
        parentRoot = walker.children(parent.snapshot().tree(), "(root)");
      }
      List<CompletableFuture<Node>> roots = new ArrayList<>();
      for (int i = 0; i < paths.size(); i++) {
        roots.add(walker.entry(paths.get(i), names.get(i), parentRoot.get(names.get(i)), true));
      }
      // streams are read while the pools work on the files; a failed command fails the run
      Map<String, Node> streamed =
          Streams.read(opts.streams(), reader, walker.counters(), opts.progress());
      List<Node> nodes =
          new ArrayList<>(
              Streams.roots(streamed, walker.counters(), l -> walker.storeTree(l, "(streams)")));
      for (CompletableFuture<Node> f : roots) {
        Node n = Futures.join(f);
        if (n != null) {
          nodes.add(n);
        }
      }
      String treeId = walker.storeTree(nodes, "");
      sink.flush();
      List<BlobIndex.Location> blobs = sink.newBlobs();
      long indexBytes = 0;
      for (String key : repo.saveIndexes(blobs)) {
        indexBytes += repo.storage().size(key);
      }
      Counters c = walker.counters();
      long stored = sink.storedBytes.get() + indexBytes;
      Snapshot.Stats stats =
          new Snapshot.Stats(
              c.files.get(),
              c.dirs.get(),
              c.bytes.get(),
              sink.newBytes.get(),
              stored,
              c.unchanged.get(),
              c.special.get(),
              c.changed.get());
      Snapshot snapshot =
          new Snapshot(
              started,
              opts.host(),
              pathStrings,
              tags,
              parent == null ? null : parent.id(),
              full ? "full" : "incremental",
              treeId,
              opts.includes(),
              opts.excludes(),
              stats,
              "arca " + Backup.class.getPackage().getImplementationVersion());
      session.checkAlive();
      CommitGuard.check(repo, treeId, session.started(), opts.clock().instant());
      String id = Snapshots.save(repo, snapshot);
      return new BackupResult(
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
          List.copyOf(new HashSet<>(c.unreadable)),
          (System.nanoTime() - t0) / 1_000_000);
    } finally {
      files.shutdownNow();
      workers.shutdownNow();
    }
  }
}
