package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Lists, selects and saves snapshot objects. */
public final class Snapshots {
  private Snapshots() {}

  /** A snapshot and its id. */
  public record Ref(String id, Snapshot snapshot) {
    public Instant time() {
      return Instant.parse(snapshot.time());
    }
  }

  /**
   * The snapshots of a repository: those that can be read, oldest first, and those that cannot (key
   * to why). One damaged snapshot object never hides the others.
   */
  public record Listing(List<Ref> readable, Map<String, String> unreadable) {}

  /** Every snapshot, readable or not (a snapshot forgotten while listing is left out). */
  public static Listing list(Repository repo) throws IOException {
    List<Ref> out = new ArrayList<>();
    Map<String, String> unreadable = new java.util.TreeMap<>();
    for (Storage.ObjectInfo o : repo.storage().list(Snapshot.PREFIX)) {
      String id = o.key().substring(Snapshot.PREFIX.length());
      if (!Hex.isId(id)) {
        continue;
      }
      try {
        Snapshot s = SealedObjects.openJson(repo, o, SealedObjects.Kind.SNAPSHOT, Snapshot.class);
        String problem = problem(s);
        if (problem != null) {
          throw ArcaException.integrity(o.key() + " is damaged: " + problem);
        }
        out.add(new Ref(id, s));
      } catch (dev.arca.engine.storage.ObjectMissingException forgotten) {
        continue; // removed by a forget running meanwhile
      } catch (ArcaException e) {
        if (e.kind() != ArcaException.Kind.INTEGRITY) {
          throw e;
        }
        unreadable.put(id, e.getMessage());
      }
    }
    out.sort(Comparator.comparing(Ref::time).thenComparing(Ref::id));
    return new Listing(out, unreadable);
  }

  /** What makes a snapshot that opened unusable, or null. */
  static String problem(Snapshot s) {
    if (s.tree() == null || !Hex.isId(s.tree())) {
      return "it names no valid root tree";
    }
    try {
      Instant.parse(s.time());
    } catch (RuntimeException e) {
      return "its time '" + s.time() + "' is not a time";
    }
    Snapshot.CopiedFrom from = s.copiedFrom();
    if (from != null
        && (from.repository() == null
            || !from.repository().matches("[0-9a-f]{32}")
            || from.snapshot() == null
            || !Hex.isId(from.snapshot()))) {
      return "its copiedFrom does not name a repository id and a snapshot id";
    }
    if (s.rewrittenFrom() != null && !Hex.isId(s.rewrittenFrom())) {
      return "its rewrittenFrom is not a snapshot id";
    }
    return null;
  }

  /** Writes a snapshot: the commit point of a backup. Returns its id. */
  public static String save(Repository repo, Snapshot s) throws IOException {
    byte[] stored = repo.codec().sealJson(s);
    String id = Hex.of(ChunkIds.sha256().digest(stored));
    try {
      repo.storage().create(Snapshot.PREFIX + id, stored);
    } catch (dev.arca.engine.storage.ObjectExistsException e) {
      // Content-addressed: the very same bytes are the very same snapshot (an unencrypted
      // repository, two runs of the same data that started in the same microsecond).
      byte[] there =
          repo.storage()
              .read(
                  new dev.arca.engine.storage.Storage.ObjectInfo(
                      Snapshot.PREFIX + id, stored.length));
      if (!java.util.Arrays.equals(there, stored)) {
        throw e;
      }
    }
    return id;
  }

  /**
   * Resolves {@code spec} ({@code latest}, a full id or a unique prefix) and, if {@code before} is
   * given (RFC 3339), picks the newest snapshot at or before that time instead of the latest.
   * Snapshots that cannot be read are not candidates: {@code warn} hears of them, and asking for
   * one by id is an integrity error that names it.
   */
  public static Ref resolve(
      Repository repo, String spec, String before, java.util.function.Consumer<String> warn)
      throws IOException {
    return resolve(repo, spec, before, SnapshotFilter.ANY, warn);
  }

  /**
   * As {@link #resolve(Repository, String, String, java.util.function.Consumer)}, choosing only
   * among the snapshots {@code filter} selects: {@code latest} and {@code before} never pick
   * another, and an id that names another is a usage error.
   */
  public static Ref resolve(
      Repository repo,
      String spec,
      String before,
      SnapshotFilter filter,
      java.util.function.Consumer<String> warn)
      throws IOException {
    return resolve(repo, list(repo), spec, before, filter, warn);
  }

  /**
   * As {@link #resolve(Repository, String, String, SnapshotFilter, java.util.function.Consumer)},
   * among the snapshots of {@code listing} (read once for several choices).
   */
  public static Ref resolve(
      Repository repo,
      Listing listing,
      String spec,
      String before,
      SnapshotFilter filter,
      java.util.function.Consumer<String> warn) {
    String where = where(repo, filter);
    if (SnapshotChoice.isLatest(spec)) {
      warnUnreadable(listing, warn);
    }
    if (before != null && !SnapshotChoice.isLatest(spec)) {
      throw ArcaException.usage("give either a snapshot id or --before TIME, not both");
    }
    List<String> broken =
        before != null || SnapshotChoice.isLatest(spec)
            ? List.of()
            : listing.unreadable().keySet().stream()
                .filter(id -> SnapshotChoice.idMatches(id, spec))
                .toList();
    SnapshotChoice.Outcome<Ref> o =
        SnapshotChoice.choose(
            listing.readable(),
            Ref::id,
            Ref::time,
            r -> filter.matches(r.snapshot()),
            spec,
            before == null ? null : parseTime(before));
    if (!broken.isEmpty()) {
      int matches =
          broken.size()
              + (o instanceof SnapshotChoice.Ambiguous<Ref> a ? a.matches() : 0)
              + (o instanceof SnapshotChoice.Chosen || o instanceof SnapshotChoice.NotSelected
                  ? 1
                  : 0);
      if (matches > 1) {
        o = new SnapshotChoice.Ambiguous<>(matches);
      } else {
        throw ArcaException.integrity(
            "snapshot "
                + broken.get(0)
                + " cannot be read: "
                + listing.unreadable().get(broken.get(0)));
      }
    }
    if (o instanceof SnapshotChoice.Chosen<Ref> c) {
      return c.value();
    }
    if (o instanceof SnapshotChoice.NoneAtOrBefore) {
      throw ArcaException.usage("no snapshot at or before " + before + " in " + where);
    }
    if (o instanceof SnapshotChoice.NoneYet) {
      throw ArcaException.usage(
          filter.isAny()
              ? "repository " + where + " has no snapshots yet; run arca backup"
              : "no snapshots in " + where);
    }
    if (o instanceof SnapshotChoice.Ambiguous<Ref> a) {
      throw ArcaException.usage(
          "snapshot id prefix '" + spec + "' matches " + a.matches() + " snapshots; give more");
    }
    if (o instanceof SnapshotChoice.NotSelected<Ref> n) {
      throw ArcaException.usage(
          "snapshot "
              + n.value().id()
              + " is not one of the snapshots selected by "
              + filter.describe());
    }
    throw ArcaException.usage("no snapshot with id '" + spec + "'; list them with arca snapshots");
  }

  /**
   * The readable snapshots {@code filter} selects, oldest first; {@code warn} hears of those that
   * cannot be read, which are not considered.
   */
  public static List<Ref> selected(
      Repository repo, SnapshotFilter filter, java.util.function.Consumer<String> warn)
      throws IOException {
    Listing listing = list(repo);
    warnUnreadable(listing, warn);
    return listing.readable().stream().filter(r -> filter.matches(r.snapshot())).toList();
  }

  /** Where snapshots are chosen among, as messages name it: the store, and the filter if any. */
  public static String where(Repository repo, SnapshotFilter filter) {
    return repo.storage().describe() + (filter.isAny() ? "" : " selected by " + filter.describe());
  }

  private static void warnUnreadable(Listing listing, java.util.function.Consumer<String> warn) {
    if (!listing.unreadable().isEmpty()) {
      warn.accept(
          listing.unreadable().size()
              + " snapshots cannot be read and were not considered: "
              + String.join(", ", listing.unreadable().keySet()));
    }
  }

  /** The newest snapshot of the same paths, host and tags: the parent for change detection. */
  public static Ref parent(
      List<Ref> all, String host, List<String> paths, Map<String, String> tags) {
    Ref best = null;
    for (Ref r : all) {
      Snapshot s = r.snapshot();
      if (Objects.equals(s.host(), host)
          && Objects.equals(s.paths(), paths)
          && Objects.equals(s.tags() == null ? Map.of() : s.tags(), tags)) {
        best = r;
      }
    }
    return best;
  }

  static Instant parseTime(String t) {
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      throw ArcaException.usage(
          "--before '" + t + "' is not an RFC 3339 time; use e.g. 2026-11-25T18:00:00Z");
    }
  }
}
