package dev.arca.engine.forget;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Applies a {@link Retention} policy: snapshots are grouped by host and paths (each group keeps its
 * own newest N), optionally limited to those carrying given tags, and the snapshots no rule keeps
 * are removed. Removing a snapshot deletes only its snapshot object; its data goes with the next
 * {@code prune}.
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

  /** What forget decided and did. */
  public record Result(
      boolean dryRun, List<Decision> kept, List<Decision> removed, int retainedObjects) {}

  public static Result run(
      Repository repo, Retention policy, Map<String, String> tags, boolean dryRun)
      throws IOException {
    if (policy.isEmpty()) {
      throw ArcaException.usage(
          "no --keep-* rule given, which would remove every snapshot; give at least one rule");
    }
    Map<String, List<Snapshots.Ref>> groups = new TreeMap<>();
    for (Snapshots.Ref r : Snapshots.list(repo)) {
      if (hasTags(r.snapshot(), tags)) {
        groups.computeIfAbsent(groupKey(r.snapshot()), k -> new ArrayList<>()).add(r);
      }
    }
    List<Decision> kept = new ArrayList<>();
    List<Decision> removed = new ArrayList<>();
    for (List<Snapshots.Ref> group : groups.values()) {
      group.sort(
          Comparator.comparing(Snapshots.Ref::time).thenComparing(Snapshots.Ref::id).reversed());
      List<Instant> times = group.stream().map(Snapshots.Ref::time).toList();
      Map<Integer, List<String>> keep = policy.apply(times);
      for (int i = 0; i < group.size(); i++) {
        Snapshot s = group.get(i).snapshot();
        Decision d =
            new Decision(
                group.get(i).id(), s.time(), s.host(), s.paths(), keep.getOrDefault(i, List.of()));
        (d.kept() ? kept : removed).add(d);
      }
    }
    int retained = 0;
    if (!dryRun) {
      for (Decision d : removed) {
        if (!repo.storage().delete(Snapshot.PREFIX + d.id())) {
          retained++;
        }
      }
    }
    return new Result(dryRun, kept, removed, retained);
  }

  private static boolean hasTags(Snapshot s, Map<String, String> wanted) {
    Map<String, String> have = s.tags() == null ? Map.of() : s.tags();
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      if (!Objects.equals(have.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static String groupKey(Snapshot s) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("host", s.host());
    k.put("paths", s.paths());
    return k.toString();
  }
}
