package dev.arca.engine.forget;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.Checkpoint;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SnapshotFilter;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies a {@link Retention} policy: snapshots are grouped by host and paths (each group keeps its
 * own newest N, and its own newest checkpoint steps), optionally limited to those carrying given
 * tags, and the snapshots no rule keeps are removed. Removing a snapshot deletes only its snapshot
 * object; its data goes with the next {@code prune}.
 */
public final class Forget {
  private Forget() {}

  /** One snapshot's fate: {@code reasons} is empty for a removed snapshot. */
  public record Decision(
      String id, String time, String host, List<String> paths, List<String> reasons) {
    public boolean kept() {
      return !reasons.isEmpty();
    }
  }

  /**
   * What forget decided and did.
   *
   * @param unreadable snapshots that cannot be read (id to why): no rule could judge them, so they
   *     were left alone; {@link #byId} removes them
   * @param lockedUntil the latest Object Lock date of the removed snapshot objects the store keeps
   * @param locksExtended objects whose Object Lock retention was extended
   * @param extendedUntil the latest date a lock was extended to
   * @param lockNotExtended kept snapshots whose locks could not be extended (id to why)
   */
  public record Result(
      boolean dryRun,
      List<Decision> kept,
      List<Decision> removed,
      int retainedObjects,
      Map<String, String> unreadable,
      String lockedUntil,
      int locksExtended,
      String extendedUntil,
      Map<String, String> lockNotExtended) {}

  /** What deleting snapshot objects left: how many the store keeps, and locked until when. */
  private record Deleted(int retained, java.time.Instant lockedUntil) {}

  /**
   * Applies {@code policy} to the snapshots {@code among} selects (each group of host and paths on
   * its own); no other snapshot is touched.
   */
  public static Result run(Repository repo, Retention policy, SnapshotFilter among, boolean dryRun)
      throws IOException {
    if (policy.isEmpty()) {
      throw ArcaException.usage(
          "no --keep-* rule given, which would remove every snapshot; give at least one rule");
    }
    Map<String, List<Snapshots.Ref>> groups = new TreeMap<>();
    Snapshots.Listing listing = Snapshots.list(repo);
    for (Snapshots.Ref r : listing.readable()) {
      if (among.matches(r.snapshot())) {
        groups.computeIfAbsent(groupKey(r.snapshot()), k -> new ArrayList<>()).add(r);
      }
    }
    List<Decision> kept = new ArrayList<>();
    List<Decision> removed = new ArrayList<>();
    for (List<Snapshots.Ref> group : groups.values()) {
      group.sort(
          Comparator.comparing(Snapshots.Ref::time).thenComparing(Snapshots.Ref::id).reversed());
      List<Instant> times = group.stream().map(Snapshots.Ref::time).toList();
      Map<Integer, List<String>> keep = policy.apply(times, steps(group));
      for (int i = 0; i < group.size(); i++) {
        Snapshot s = group.get(i).snapshot();
        Decision d =
            new Decision(
                group.get(i).id(), s.time(), s.host(), s.paths(), keep.getOrDefault(i, List.of()));
        (d.kept() ? kept : removed).add(d);
      }
    }
    Deleted d = delete(repo, removed, dryRun);
    Map<String, Snapshot> byId = new java.util.HashMap<>();
    listing.readable().forEach(r -> byId.put(r.id(), r.snapshot()));
    LockExtension.Extended x =
        dryRun
            ? new LockExtension.Extended(0, null, Map.of())
            : LockExtension.run(repo, policy, kept, byId);
    return new Result(
        dryRun,
        kept,
        removed,
        d.retained(),
        Map.copyOf(listing.unreadable()),
        text(d),
        x.objects(),
        x.latest() == null ? null : x.latest().toString(),
        x.failed());
  }

  /**
   * Removes the snapshots with these ids or unique id prefixes, whether they can be read or not
   * (the way to remove a damaged snapshot that cannot be repaired). An id that matches no snapshot
   * or several is a usage error, and then nothing is removed.
   */
  public static Result byId(Repository repo, List<String> ids, boolean dryRun) throws IOException {
    Snapshots.Listing listing = Snapshots.list(repo);
    Map<String, Snapshots.Ref> readable = new TreeMap<>();
    listing.readable().forEach(r -> readable.put(r.id(), r));
    List<String> all = new ArrayList<>(readable.keySet());
    all.addAll(listing.unreadable().keySet());
    Map<String, Decision> chosen = new LinkedHashMap<>();
    for (String given : ids) {
      List<String> matches =
          all.stream()
              .filter(id -> dev.arca.engine.repo.SnapshotChoice.idMatches(id, given))
              .toList();
      if (matches.size() != 1) {
        throw ArcaException.usage(
            matches.isEmpty()
                ? "no snapshot with id '" + given + "'; list them with arca snapshots"
                : "snapshot id prefix '" + given + "' matches " + matches.size() + "; give more");
      }
      String id = matches.get(0);
      Snapshots.Ref r = readable.get(id);
      Snapshot s = r == null ? null : r.snapshot();
      chosen.put(
          id,
          new Decision(
              id,
              s == null ? null : s.time(),
              s == null ? null : s.host(),
              s == null ? null : s.paths(),
              List.of()));
    }
    List<Decision> removed = List.copyOf(chosen.values());
    Map<String, String> stillUnreadable = new TreeMap<>(listing.unreadable());
    stillUnreadable.keySet().removeAll(chosen.keySet());
    Deleted d = delete(repo, removed, dryRun);
    return new Result(
        dryRun, List.of(), removed, d.retained(), stillUnreadable, text(d), 0, null, Map.of());
  }

  /**
   * Deletes the snapshot objects; says how many stay as noncurrent versions of a bucket, and the
   * latest Object Lock date among them (asked for before each delete).
   */
  private static Deleted delete(Repository repo, List<Decision> removed, boolean dryRun)
      throws IOException {
    int retained = 0;
    Instant latest = null;
    Instant now = Instant.now();
    if (!dryRun) {
      for (Decision d : removed) {
        String key = Snapshot.PREFIX + d.id();
        Instant until = repo.storage().retainedUntil(key);
        if (!repo.storage().delete(key)) {
          retained++;
          if (until != null && until.isAfter(now) && (latest == null || until.isAfter(latest))) {
            latest = until;
          }
        }
      }
    }
    return new Deleted(retained, latest);
  }

  private static String text(Deleted d) {
    return d.lockedUntil() == null ? null : d.lockedUntil().toString();
  }

  /** The checkpoint steps each snapshot records (an empty list: none, or none recorded). */
  private static List<List<Long>> steps(List<Snapshots.Ref> group) {
    List<List<Long>> steps = new ArrayList<>();
    for (Snapshots.Ref r : group) {
      List<Checkpoint> held = r.snapshot().checkpoints();
      steps.add(held == null ? List.of() : held.stream().map(Checkpoint::step).toList());
    }
    return steps;
  }

  private static String groupKey(Snapshot s) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("host", s.host());
    k.put("paths", s.paths());
    return k.toString();
  }
}
