package dev.arca.engine.rewrite;

import dev.arca.contract.RewriteReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.backup.ContentWriter;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.export.ChunkReader;
import dev.arca.engine.forget.Forget;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Checkpoint;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.format.Tree;
import dev.arca.engine.fs.Globs;
import dev.arca.engine.fs.SafeNames;
import dev.arca.engine.repo.CommitGuard;
import dev.arca.engine.repo.ErasureRecords;
import dev.arca.engine.repo.Parts;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SessionKeeper;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.repo.TreeWalk;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code arca rewrite}: writes, for each chosen snapshot that holds something the excludes match or
 * a file a filter names, a new snapshot without those paths and with those files filtered, then
 * forgets the originals (unless asked to keep them) and records what only the erased data needed
 * (FORMAT.md, "Rewrites and erasure records"), which {@code prune} then removes and confirms gone.
 *
 * <p>It runs as a writer (a session, the commit check), and writes nothing that refers to its new
 * trees before every snapshot has been walked: a filter that fails, or a store that refuses a
 * write, leaves every snapshot as it was. A damaged snapshot (a listing that cannot be read, an
 * entry the format refuses, a filtered file whose bytes are damaged) is named and not rewritten.
 */
public final class Rewrite {
  private final Repository repo;
  private final RewriteOptions opts;
  private final Map<String, ContentFilter> filters = new LinkedHashMap<>();
  private final Map<String, ContentWriter.Content> filteredBefore = new HashMap<>();

  private Rewrite(Repository repo, RewriteOptions opts) {
    this.repo = repo;
    this.opts = opts;
  }

  /** Runs a rewrite. */
  public static RewriteReport run(Repository repo, RewriteOptions opts) throws IOException {
    return new Rewrite(repo, opts).run();
  }

  /** What the walk decided for one snapshot. */
  private record Judged(
      Snapshots.Ref from, PathRewrite.Outcome outcome, String why, boolean changed) {}

  private RewriteReport run() throws IOException {
    long t0 = System.nanoTime();
    Globs excludes = Globs.compile(opts.excludes(), "--exclude");
    checkFilters();
    if (excludes.isEmpty() && filters.isEmpty()) {
      throw ArcaException.usage(
          "nothing to rewrite: give the paths to remove (--exclude GLOB) or a file to filter"
              + " (--stream-filter PATH=COMMAND)");
    }
    Snapshots.Listing listing = Snapshots.list(repo);
    List<Snapshots.Ref> chosen = choose(listing);
    BlobIndex index = repo.loadIndex(opts.warn());
    List<Judged> judged = new ArrayList<>();
    RewriteReport.Erasure erasure = null;
    PathRewrite walk;
    if (opts.dryRun()) {
      walk =
          new PathRewrite(
              repo, index, opts.excludes(), filters.keySet(), this::treeId, (p, n, c) -> n);
      for (Snapshots.Ref s : chosen) {
        judged.add(judge(walk, s));
      }
    } else {
      try (SessionKeeper session = SessionKeeper.open(repo, opts.clock(), opts.host())) {
        BlobIndex writing = repo.loadIndexForWriting(opts.warn());
        Map<String, String> written;
        try (ContentWriter writer =
            ContentWriter.open(repo, writing, opts.threads(), opts.progress())) {
          walk =
              new PathRewrite(
                  repo,
                  index,
                  opts.excludes(),
                  filters.keySet(),
                  writer::tree,
                  (path, n, chunks) -> filtered(writer, path, n, chunks));
          for (Snapshots.Ref s : chosen) {
            judged.add(judge(walk, s));
          }
          writer.finish();
          written = commit(session, walk, judged);
        }
        index = null; // the rewrites' trees are in the writing index only: read anew below
        if (!opts.keepOriginals() && !written.isEmpty()) {
          erasure = record(written, walk.erased, listing);
        }
        return report(judged, walk, written, erasure, listing, t0);
      }
    }
    return report(judged, walk, Map.of(), null, listing, t0);
  }

  /** Checks the filters' paths: relative file paths of safe names, each once. */
  private void checkFilters() {
    for (ContentFilter f : opts.filters()) {
      String p = f.path();
      if (p == null || p.isEmpty() || p.startsWith("/") || p.endsWith("/")) {
        throw ArcaException.usage(
            "--stream-filter path '"
                + p
                + "' must be a file's path in the snapshot, e.g. db/app.sql");
      }
      for (String segment : p.split("/", -1)) {
        String problem = SafeNames.problem(segment);
        if (problem != null) {
          throw ArcaException.usage("--stream-filter path '" + p + "': " + problem);
        }
      }
      if (filters.put(p, f) != null) {
        throw ArcaException.usage("--stream-filter names '" + p + "' twice");
      }
    }
  }

  /** The snapshots to rewrite, oldest first, each once. */
  private List<Snapshots.Ref> choose(Snapshots.Listing listing) {
    if (opts.snapshots().isEmpty()) {
      listing
          .unreadable()
          .forEach((id, why) -> opts.warn().accept(why + "; it cannot be rewritten"));
      return listing.readable().stream().filter(r -> opts.filter().matches(r.snapshot())).toList();
    }
    Map<String, Snapshots.Ref> byId = new LinkedHashMap<>();
    for (String spec : opts.snapshots()) {
      Snapshots.Ref r = Snapshots.resolve(repo, listing, spec, null, opts.filter(), opts.warn());
      byId.put(r.id(), r);
    }
    List<Snapshots.Ref> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparing(Snapshots.Ref::time).thenComparing(Snapshots.Ref::id));
    return out;
  }

  private Judged judge(PathRewrite walk, Snapshots.Ref s) throws IOException {
    try {
      long max = TreeWalk.maxFolders(s.snapshot());
      PathRewrite.Outcome o = walk.rewrite(s.snapshot().tree(), max);
      // a dry run does not run filters: a file they would filter counts as a change
      boolean changed =
          !o.newId().equals(s.snapshot().tree()) || (opts.dryRun() && o.filtered() > 0);
      return new Judged(s, o, null, changed);
    } catch (ArcaException e) {
      if (e.kind() != ArcaException.Kind.INTEGRITY) {
        throw e;
      }
      opts.warn().accept("snapshot " + s.id() + " was not rewritten: " + e.getMessage());
      return new Judged(s, null, e.getMessage(), false);
    }
  }

  /** A listing's tree id, for a dry run: nothing is stored. */
  private String treeId(List<Node> nodes, String path) throws IOException {
    byte[] json = ObjectCodec.JSON.writeValueAsBytes(new Tree(nodes));
    Limits.check(json.length, Limits.MAX_TREE_BLOB, "a rewritten folder listing");
    return Hex.of(repo.ids().id(json, 0, json.length));
  }

  /**
   * A filtered file's new entry: its stored bytes (checked against its SHA-256) run through the
   * filter, the output stored. Equal contents at one path are filtered once.
   */
  private Node filtered(ContentWriter writer, String path, Node n, List<BlobIndex.Location> chunks)
      throws IOException {
    String key = path + "\0" + n.sha256();
    ContentWriter.Content c = filteredBefore.get(key);
    if (c == null) {
      c = filterOnce(writer, filters.get(path), path, n, chunks);
      filteredBefore.put(key, c);
    }
    return n.withContent(c.size(), c.sha256(), c.chunks());
  }

  private ContentWriter.Content filterOnce(
      ContentWriter writer,
      ContentFilter filter,
      String path,
      Node n,
      List<BlobIndex.Location> chunks)
      throws IOException {
    try (ContentFilter.Running r = filter.start()) {
      CompletableFuture<String> fed = new CompletableFuture<>();
      Thread feeder =
          new Thread(
              () -> {
                try {
                  fed.complete(feed(r.input(), chunks));
                } catch (Throwable e) {
                  fed.completeExceptionally(e);
                }
              },
              "arca-rewrite-feed");
      feeder.setDaemon(true);
      feeder.start();
      ContentWriter.Content c = writer.stream(r.output());
      String sha = awaitFeed(fed, r, path);
      r.finish();
      if (sha == null) {
        throw new ArcaException(
            ArcaException.Kind.ERROR,
            "--stream-filter "
                + path
                + ": the filter stopped reading before the end of the file; nothing was changed");
      }
      if (!sha.equals(n.sha256())) {
        throw PathRewrite.damaged(
            path, "its bytes do not match the SHA-256 its entry records (read sha256 " + sha + ")");
      }
      return c;
    }
  }

  /** The SHA-256 of what was fed, or null when the filter stopped reading (broken pipe). */
  private static String awaitFeed(
      CompletableFuture<String> fed, ContentFilter.Running r, String path) throws IOException {
    try {
      return fed.join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof ArcaException a) {
        r.close();
        if (a.kind() == ArcaException.Kind.INTEGRITY) {
          throw PathRewrite.damaged(path, a.getMessage());
        }
        throw a;
      }
      if (c instanceof dev.arca.engine.storage.ObjectMissingException m) {
        r.close();
        throw PathRewrite.damaged(path, "a pack it needs is gone or cut short: " + m.getMessage());
      }
      return null; // the filter closed its input: its exit status says why
    }
  }

  /** Writes the stored bytes into the filter; their SHA-256. */
  private String feed(OutputStream in, List<BlobIndex.Location> chunks) throws IOException {
    MessageDigest sha = ChunkIds.sha256();
    try (OutputStream out = in;
        ChunkReader reader = new ChunkReader(repo, chunks)) {
      for (byte[] b; (b = reader.next()) != null; ) {
        sha.update(b);
        out.write(b);
      }
    }
    return Hex.of(sha.digest());
  }

  /**
   * Writes the rewrites (each checked first), then forgets the originals unless asked to keep them;
   * the new ids by original id.
   */
  private Map<String, String> commit(SessionKeeper session, PathRewrite walk, List<Judged> judged)
      throws IOException {
    Map<String, String> written = new LinkedHashMap<>();
    for (Judged j : judged) {
      if (!j.changed()) {
        continue;
      }
      Snapshot s = rewritten(walk, j);
      session.checkAlive();
      CommitGuard.check(repo, s.tree(), session.started(), opts.clock().instant());
      written.put(j.from().id(), Snapshots.save(repo, s));
    }
    if (!opts.keepOriginals() && !written.isEmpty()) {
      Forget.byId(repo, List.copyOf(written.keySet()), false);
    }
    return written;
  }

  private Snapshot rewritten(PathRewrite walk, Judged j) {
    Snapshot old = j.from().snapshot();
    PathRewrite.Outcome o = j.outcome();
    Snapshot.Stats stats =
        old.stats() == null ? null : old.stats().without(o.files(), o.dirs(), o.bytes());
    List<Checkpoint> checkpoints = null;
    if (old.checkpoints() != null) {
      checkpoints = new ArrayList<>();
      for (Checkpoint c : old.checkpoints()) {
        if (walk.intact(old.tree(), c.path())) {
          checkpoints.add(c);
        }
      }
    }
    return old.asRewrite(
        j.from().id(),
        o.newId(),
        stats,
        checkpoints,
        "arca " + Rewrite.class.getPackage().getImplementationVersion());
  }

  /**
   * Records what only the erased data needed: the candidates no snapshot or part object left in the
   * repository needs (read anew, so a backup that committed meanwhile counts), with the packs that
   * hold them; and those that stay, with where.
   */
  private RewriteReport.Erasure record(
      Map<String, String> written, Set<String> candidates, Snapshots.Listing listingAtStart)
      throws IOException {
    BlobIndex index = repo.loadIndex(opts.warn());
    List<KeptBlobs.Root> roots = new ArrayList<>();
    Snapshots.Listing now = Snapshots.list(repo);
    Set<String> known = new HashSet<>(written.values());
    listingAtStart.readable().forEach(s -> known.add(s.id()));
    for (Snapshots.Ref s : now.readable()) {
      roots.add(new KeptBlobs.Root(s.id(), s.snapshot().tree()));
      if (!known.contains(s.id())) {
        opts.warn()
            .accept(
                "snapshot "
                    + s.id()
                    + " was committed while the rewrite ran and was not rewritten; run the"
                    + " rewrite again to erase from it too");
      }
    }
    now.unreadable()
        .forEach(
            (id, why) ->
                opts.warn().accept(why + "; whether it needs erased blobs cannot be told"));
    for (Parts.Ref p : Parts.list(repo).readable()) {
      roots.add(new KeptBlobs.Root(null, p.part().snapshot().tree()));
    }
    Map<String, RewriteReport.SharedBlob> kept =
        KeptBlobs.find(repo, index, roots, candidates, opts.warn());
    List<ErasureRecords.Erased> erased = new ArrayList<>();
    for (String blob : new java.util.TreeSet<>(candidates)) {
      if (!kept.containsKey(blob)) {
        BlobIndex.Location l = index.get(Hex.parse(blob));
        erased.add(
            new ErasureRecords.Erased(blob, l == null ? List.of() : List.of(Hex.of(l.pack()))));
      }
    }
    List<ErasureRecords.Shared> shared = new ArrayList<>();
    List<RewriteReport.SharedBlob> named = new ArrayList<>();
    for (RewriteReport.SharedBlob b : kept.values()) {
      boolean withPath = named.size() < ErasureRecords.SHARED_PATHS;
      shared.add(
          new ErasureRecords.Shared(
              b.blob(), withPath ? b.snapshot() : null, withPath ? b.path() : null));
      if (withPath) {
        named.add(b);
      }
    }
    List<ErasureRecords.Rewritten> snapshots = new ArrayList<>();
    written.forEach((from, to) -> snapshots.add(new ErasureRecords.Rewritten(from, to)));
    byte[] run = new byte[16];
    new SecureRandom().nextBytes(run);
    String runId = Hex.of(run);
    List<String> keys =
        ErasureRecords.save(
            repo,
            new ErasureRecords.Record(
                opts.clock().instant().toString(), runId, snapshots, erased, shared));
    return new RewriteReport.Erasure(runId, keys, erased.size(), shared.size(), named);
  }

  private RewriteReport report(
      List<Judged> judged,
      PathRewrite walk,
      Map<String, String> written,
      RewriteReport.Erasure erasure,
      Snapshots.Listing listing,
      long t0) {
    List<RewriteReport.Rewritten> out = new ArrayList<>();
    for (Judged j : judged) {
      Snapshot s = j.from().snapshot();
      PathRewrite.Outcome o = j.outcome();
      String outcome =
          j.why() != null
              ? RewriteReport.DAMAGED
              : j.changed() ? RewriteReport.REWRITTEN : RewriteReport.UNCHANGED;
      String to = written.get(j.from().id());
      out.add(
          new RewriteReport.Rewritten(
              j.from().id(),
              to,
              outcome,
              s.time(),
              s.host(),
              o == null ? 0 : o.files(),
              o == null ? 0 : o.dirs(),
              o == null ? 0 : o.bytes(),
              o == null ? 0 : o.filtered(),
              to != null && !opts.keepOriginals(),
              j.why()));
    }
    List<String> unmatched = new ArrayList<>();
    for (String pattern : opts.excludes() == null ? List.<String>of() : opts.excludes()) {
      if (!walk.matchedExcludes.contains(pattern)) {
        unmatched.add(pattern);
      }
    }
    for (String path : filters.keySet()) {
      if (!walk.matchedFilters.contains(path)) {
        unmatched.add(path);
      }
    }
    Set<String> filtered = new HashSet<>(walk.matchedFilters);
    return new RewriteReport(
        opts.dryRun(),
        opts.keepOriginals(),
        out,
        List.copyOf(walk.removed),
        walk.removedMore,
        filtered.stream().sorted().toList(),
        unmatched,
        erasure,
        opts.snapshots().isEmpty() ? new TreeMap<>(listing.unreadable()) : Map.of(),
        (System.nanoTime() - t0) / 1_000_000);
  }
}
