package dev.arca.engine.backup;

import dev.arca.contract.BackupReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Checkpoint;
import dev.arca.engine.format.Part;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.CommitGuard;
import dev.arca.engine.repo.Parts;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SessionKeeper;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The commit of a parallel run (FORMAT.md, "Parts"): once every part has written its part object,
 * joins their trees ({@link TreeMerge}) into one snapshot, the run's only commit point, and deletes
 * the part objects. A run with a part missing, or with parts that do not belong together, writes no
 * snapshot; the packs its finished parts stored are indexed, so the next run reuses them.
 */
public final class PartsCommit {
  private PartsCommit() {}

  /** The part object an earlier attempt of part {@code p} wrote, or null. */
  static Parts.Ref find(Repository repo, PartSpec p) throws IOException {
    return Parts.list(repo).readable().stream()
        .filter(
            r ->
                r.part().run().equals(p.run())
                    && r.part().part() == p.index()
                    && r.part().parts() == p.count())
        .min(Comparator.comparing(Parts.Ref::id))
        .orElse(null);
  }

  /** {@code unreadable} within the limits of a part object. */
  static List<String> bounded(List<String> unreadable) {
    List<String> out = new ArrayList<>();
    for (String u : unreadable) {
      if (out.size() == Part.MAX_UNREADABLE - 1 && unreadable.size() > Part.MAX_UNREADABLE) {
        out.add("... and " + (unreadable.size() - out.size()) + " more (see the part's warnings)");
        break;
      }
      out.add(u.length() > Part.MAX_UNREADABLE_CHARS ? u.substring(0, 8000) + "..." : u);
    }
    return out;
  }

  /**
   * Joins the {@code count} parts of run {@code run} into one snapshot and returns its report.
   * Fails, writing nothing, when a part is missing, when the parts disagree on what the run backs
   * up, or when a part is older than {@link Parts#COMMIT_WITHIN}.
   */
  public static BackupReport run(
      Repository repo, String run, int count, Clock clock, Consumer<String> warn)
      throws IOException {
    long t0 = System.nanoTime();
    PartSpec spec = new PartSpec(run, 0, count, null); // checks the id and the count
    List<Parts.Ref> all = ofRun(repo, spec, warn);
    List<Part> parts = all.stream().map(Parts.Ref::part).toList();
    Snapshot first = parts.get(0).snapshot();
    check(parts, all, clock.instant());
    try (SessionKeeper session = SessionKeeper.open(repo, clock, first.host())) {
      BlobIndex index = repo.loadIndexForWriting(warn);
      TreeMerge.Joined joined;
      long stored;
      try (ChunkSink sink = new ChunkSink(repo, index, 32 << 20)) {
        Map<Integer, List<Part.Piece>> pieces = new HashMap<>();
        for (Part p : parts.subList(0, count)) {
          pieces.put(p.part(), p.pieces() == null ? List.of() : p.pieces());
        }
        joined =
            TreeMerge.roots(
                repo,
                index,
                sink,
                parts.subList(0, count).stream().map(p -> p.snapshot().tree()).toList(),
                new PieceJoin(pieces));
        sink.flush();
        stored = sink.storedBytes.get();
        for (String key : repo.saveIndexes(sink.newBlobs())) {
          stored += repo.storage().size(key);
        }
      }
      Snapshot s = joinedSnapshot(parts, joined, stored);
      session.checkAlive();
      CommitGuard.check(repo, joined.id(), Instant.parse(s.time()), clock.instant());
      String id = Snapshots.save(repo, s);
      Parts.delete(repo, all);
      List<String> unreadable = new ArrayList<>();
      parts.forEach(p -> unreadable.addAll(p.unreadable() == null ? List.of() : p.unreadable()));
      List<String> leftOut = joined.pieces().leftOut();
      leftOut.forEach(warn);
      unreadable.addAll(leftOut);
      return Backup.report(id, s, unreadable, List.of(), (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /**
   * The run's part objects, one per part number (of two copies of one part, the lower id, the other
   * deleted with them); every part of the run in order, or an error naming the missing.
   */
  private static List<Parts.Ref> ofRun(Repository repo, PartSpec spec, Consumer<String> warn)
      throws IOException {
    Parts.Listing listing = Parts.list(repo);
    TreeMap<Integer, Parts.Ref> byPart = new TreeMap<>();
    List<Parts.Ref> extra = new ArrayList<>();
    for (Parts.Ref r : listing.readable()) {
      Part p = r.part();
      if (!p.run().equals(spec.run())) {
        continue;
      }
      if (p.parts() != spec.count()) {
        throw ArcaException.usage(
            r.key()
                + " is part "
                + p.part()
                + " of "
                + p.parts()
                + " of run "
                + spec.run()
                + ", not of "
                + spec.count()
                + "; no snapshot was written");
      }
      Parts.Ref had = byPart.get(p.part());
      if (had == null || r.id().compareTo(had.id()) < 0) {
        byPart.put(p.part(), r);
        if (had != null) {
          extra.add(had);
        }
      } else {
        extra.add(r);
      }
    }
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < spec.count(); i++) {
      if (!byPart.containsKey(i)) {
        missing.add(i);
      }
    }
    if (!missing.isEmpty()) {
      listing
          .unreadable()
          .values()
          .forEach(why -> warn.accept(why + "; it may be a part of this run"));
      throw new ArcaException(
          ArcaException.Kind.ERROR,
          "run "
              + spec.run()
              + ": part"
              + (missing.size() == 1 ? " " : "s ")
              + missing.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
              + " of "
              + spec.count()
              + " "
              + (missing.size() == 1 ? "has" : "have")
              + " written no part object (failed, or not finished); no snapshot was written."
              + " Run the parts again: what the finished parts stored is reused");
    }
    List<Parts.Ref> out = new ArrayList<>(byPart.values());
    out.addAll(extra); // deleted with the others once the snapshot is written
    return out;
  }

  /** The parts (by part number, copies after) must describe one run, recently. */
  private static void check(List<Part> parts, List<Parts.Ref> refs, Instant now) {
    Part first = parts.get(0);
    Snapshot a = first.snapshot();
    for (int i = 1; i < parts.size(); i++) {
      Part p = parts.get(i);
      Snapshot b = p.snapshot();
      String differs =
          !Objects.equals(a.host(), b.host())
              ? "host"
              : !Objects.equals(a.paths(), b.paths())
                  ? "sources"
                  : !Objects.equals(tags(a), tags(b))
                      ? "tags"
                      : !Objects.equals(a.includes(), b.includes())
                              || !Objects.equals(a.excludes(), b.excludes())
                          ? "include or exclude globs"
                          : !Objects.equals(first.plan(), p.plan()) ? "plan" : null;
      if (differs != null) {
        throw new ArcaException(
            ArcaException.Kind.ERROR,
            "run "
                + first.run()
                + ": parts "
                + first.part()
                + " and "
                + p.part()
                + " differ in their "
                + differs
                + (differs.equals("plan")
                    ? " (the files changed between the parts' listings, so they may not have"
                        + " shared them cleanly)"
                    : "")
                + "; no snapshot was written. Run the backup again");
      }
    }
    for (Parts.Ref r : refs) {
      Instant born = r.stored() != null ? r.stored() : r.time();
      if (born.plus(Parts.COMMIT_WITHIN).isBefore(now)) {
        throw new ArcaException(
            ArcaException.Kind.ERROR,
            r.key()
                + " was written more than "
                + Parts.COMMIT_WITHIN.toDays()
                + " days ago; prune may be removing what it holds, so it is not committed. Run"
                + " the backup again");
      }
    }
  }

  private static Object tags(Snapshot s) {
    return s.tags() == null ? java.util.Map.of() : s.tags();
  }

  /** The snapshot of the joined parts. */
  private static Snapshot joinedSnapshot(List<Part> all, TreeMerge.Joined joined, long stored) {
    List<Part> parts = new ArrayList<>();
    TreeSet<Integer> seen = new TreeSet<>();
    for (Part p : all) {
      if (seen.add(p.part())) {
        parts.add(p); // copies of a part are not counted twice
      }
    }
    Snapshot a = parts.get(0).snapshot();
    long files = -joined.pieces().extraFiles();
    long dirs = -joined.joinedFolders();
    long bytes = -joined.pieces().droppedBytes();
    long newBytes = 0;
    long unchanged = 0;
    long special = 0;
    long changed = 0;
    boolean full = false;
    String time = a.time();
    List<Checkpoint> checkpoints = null;
    for (Part p : parts) {
      Snapshot s = p.snapshot();
      Snapshot.Stats st = s.stats();
      files += st.files();
      dirs += st.dirs();
      bytes += st.bytes();
      newBytes += st.newBytes();
      stored += st.storedBytes();
      unchanged += st.unchangedFiles();
      special += st.skippedSpecial();
      changed += st.changedWhileReading();
      full |= !"incremental".equals(s.mode());
      if (Instant.parse(s.time()).isBefore(Instant.parse(time))) {
        time = s.time();
      }
      if (s.checkpoints() != null) {
        checkpoints = checkpoints == null ? new ArrayList<>() : checkpoints;
        checkpoints.addAll(s.checkpoints());
      }
    }
    if (checkpoints != null) {
      checkpoints.sort(Comparator.comparing(Checkpoint::path));
    }
    return new Snapshot(
        time,
        a.host(),
        a.paths(),
        a.tags(),
        a.parent(),
        full ? "full" : "incremental",
        joined.id(),
        a.includes(),
        a.excludes(),
        new Snapshot.Stats(
            Math.max(0, files),
            Math.max(0, dirs),
            Math.max(0, bytes),
            newBytes,
            stored,
            unchanged,
            special,
            changed),
        a.program(),
        null,
        checkpoints);
  }
}
