package dev.arca.engine.copy;

import dev.arca.contract.CopyReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.DaemonThreads;
import dev.arca.engine.backup.ContentWriter;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.CommitGuard;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SessionKeeper;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Copies snapshots from one repository into another, oldest first: each one that the target holds
 * no copy of is copied ({@link TreeCopy}) and committed as a backup commits, under a writer session
 * of the target, the {@link CommitGuard} checked, with {@code copiedFrom} naming its source. Its
 * parent in the target is the copy of its source parent when there is one, else the target's newest
 * snapshot of the same host, paths and tags (a backup's parent rule); files that parent holds with
 * the same size and SHA-256 are not read again.
 */
public final class Copy {
  private final Repository source;
  private final Repository target;
  private final CopyOptions opts;
  private final Consumer<String> warn;

  private Copy(Repository source, Repository target, CopyOptions opts) {
    this.source = source;
    this.target = target;
    this.opts = opts;
    this.warn = m -> opts.progress().warn(m);
  }

  /** Copies what {@code opts} names from {@code source} into {@code target}. */
  public static CopyReport run(Repository source, Repository target, CopyOptions opts)
      throws IOException {
    return new Copy(source, target, opts).run();
  }

  private CopyReport run() throws IOException {
    long t0 = System.nanoTime();
    String sourceId = source.config().id();
    if (sourceId == null || !sourceId.matches("[0-9a-f]{32}")) {
      throw ArcaException.integrity(
          source.storage().describe() + ": its config holds no valid repository id");
    }
    if (sourceId.equals(target.config().id())) {
      throw ArcaException.usage(
          "the source and the target are the same repository (id " + sourceId + ")");
    }
    Snapshots.Listing listing = Snapshots.list(source);
    Map<String, String> unreadable = new TreeMap<>(listing.unreadable());
    List<Snapshots.Ref> chosen = choose(listing);
    List<CopyReport.Copied> out = new ArrayList<>();
    try (SessionKeeper session = SessionKeeper.open(target, opts.clock(), opts.host())) {
      Snapshots.Listing there = Snapshots.list(target);
      there
          .unreadable()
          .forEach((id, why) -> warn.accept("target: " + why + "; not considered as a copy"));
      List<Snapshots.Ref> targetSnapshots = new ArrayList<>(there.readable());
      Map<String, Snapshots.Ref> copies = copies(targetSnapshots, sourceId);
      BlobIndex sourceIndex = source.loadIndex(warn);
      BlobIndex targetIndex = target.loadIndexForWriting(m -> warn.accept("target: " + m));
      for (Snapshots.Ref s : chosen) {
        Snapshots.Ref present = copies.get(s.id());
        if (present != null) {
          out.add(result(s, present.id(), CopyReport.PRESENT, null, null, List.of()));
          continue;
        }
        Snapshots.Ref parent = parent(s, copies, targetSnapshots);
        Outcome o = copyOne(s, parent, sourceIndex, targetIndex, session, sourceId);
        out.add(o.report());
        if (o.copy() != null) {
          copies.put(s.id(), o.copy());
          targetSnapshots.add(o.copy());
          targetSnapshots.sort(Comparator.comparing(Snapshots.Ref::time));
        }
      }
    }
    return new CopyReport(
        source.storage().describe(),
        target.storage().describe(),
        out,
        unreadable,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** The snapshots to copy, oldest first, each once. */
  private List<Snapshots.Ref> choose(Snapshots.Listing listing) throws IOException {
    if (opts.snapshots().isEmpty()) {
      listing.unreadable().forEach((id, why) -> warn.accept(why + "; it cannot be copied"));
      return listing.readable().stream().filter(r -> opts.filter().matches(r.snapshot())).toList();
    }
    Map<String, Snapshots.Ref> byId = new LinkedHashMap<>();
    for (String spec : opts.snapshots()) {
      Snapshots.Ref r = Snapshots.resolve(source, listing, spec, null, opts.filter(), warn);
      byId.put(r.id(), r);
    }
    List<Snapshots.Ref> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparing(Snapshots.Ref::time).thenComparing(Snapshots.Ref::id));
    return out;
  }

  /** The target's copies of this source's snapshots, by source snapshot id (the oldest copy). */
  private static Map<String, Snapshots.Ref> copies(List<Snapshots.Ref> target, String sourceId) {
    Map<String, Snapshots.Ref> out = new HashMap<>();
    for (Snapshots.Ref r : target) {
      Snapshot.CopiedFrom from = r.snapshot().copiedFrom();
      if (from != null && sourceId.equals(from.repository())) {
        out.putIfAbsent(from.snapshot(), r);
      }
    }
    return out;
  }

  private static Snapshots.Ref parent(
      Snapshots.Ref s, Map<String, Snapshots.Ref> copies, List<Snapshots.Ref> target) {
    Snapshot snap = s.snapshot();
    Snapshots.Ref p = snap.parent() == null ? null : copies.get(snap.parent());
    if (p != null) {
      return p;
    }
    return Snapshots.parent(
        target, snap.host(), snap.paths(), snap.tags() == null ? Map.of() : snap.tags());
  }

  /** What copying one snapshot gave: its report, and the copy written (null if none). */
  private record Outcome(CopyReport.Copied report, Snapshots.Ref copy) {}

  private Outcome copyOne(
      Snapshots.Ref s,
      Snapshots.Ref parent,
      BlobIndex sourceIndex,
      BlobIndex targetIndex,
      SessionKeeper session,
      String sourceId)
      throws IOException {
    int threads = opts.threads();
    ExecutorService files = DaemonThreads.pool(threads, "arca-copy");
    try (ContentWriter writer = ContentWriter.open(target, targetIndex, threads, opts.progress())) {
      TreeCopy walk =
          new TreeCopy(source, sourceIndex, target, targetIndex, writer, files, 2 * threads, warn);
      String tree =
          walk.copy(s.snapshot().tree(), parent == null ? null : parent.snapshot().tree());
      if (tree == null) {
        List<String> damaged = walk.damaged();
        warn.accept(
            "snapshot "
                + s.id()
                + " was not copied: the source is damaged ("
                + damaged.size()
                + " problems, the first: "
                + damaged.get(0)
                + "); run 'arca verify' and 'arca repair snapshots' on the source");
        return new Outcome(result(s, null, CopyReport.FAILED, walk, null, damaged), null);
      }
      ContentWriter.Stored stored = writer.finish();
      session.checkAlive();
      CommitGuard.check(target, tree, session.started(), opts.clock().instant());
      Snapshot copy = copyOf(s, tree, walk, stored, parent, sourceId);
      String id = Snapshots.save(target, copy);
      return new Outcome(
          result(s, id, CopyReport.COPIED, walk, stored, List.of()), new Snapshots.Ref(id, copy));
    } finally {
      files.shutdownNow();
    }
  }

  private static Snapshot copyOf(
      Snapshots.Ref s,
      String tree,
      TreeCopy walk,
      ContentWriter.Stored stored,
      Snapshots.Ref parent,
      String sourceId) {
    Snapshot.Stats was = s.snapshot().stats();
    Snapshot.Stats stats =
        new Snapshot.Stats(
            was == null ? 0 : was.files(),
            was == null ? 0 : was.dirs(),
            was == null ? 0 : was.bytes(),
            stored.newBytes(),
            stored.storedBytes(),
            walk.reused.get(),
            was == null ? 0 : was.skippedSpecial(),
            was == null ? 0 : was.changedWhileReading());
    return s.snapshot()
        .asCopy(
            parent == null ? null : parent.id(),
            tree,
            stats,
            "arca " + Copy.class.getPackage().getImplementationVersion(),
            new Snapshot.CopiedFrom(sourceId, s.id()));
  }

  private static CopyReport.Copied result(
      Snapshots.Ref s,
      String targetId,
      String outcome,
      TreeCopy walk,
      ContentWriter.Stored stored,
      List<String> damaged) {
    Snapshot snap = s.snapshot();
    Snapshot.Stats st = snap.stats();
    return new CopyReport.Copied(
        s.id(),
        targetId,
        outcome,
        snap.time(),
        snap.host(),
        snap.paths(),
        st == null ? 0 : st.files(),
        st == null ? 0 : st.bytes(),
        walk == null ? 0 : walk.filesRead.get(),
        walk == null ? 0 : walk.bytesRead.get(),
        stored == null ? 0 : stored.newBytes(),
        stored == null ? 0 : stored.storedBytes(),
        damaged);
  }
}
