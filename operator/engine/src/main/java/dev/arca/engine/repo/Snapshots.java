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

  /** All snapshots, oldest first. */
  public static List<Ref> list(Repository repo) throws IOException {
    List<Ref> out = new ArrayList<>();
    for (Storage.ObjectInfo o : repo.storage().list(Snapshot.PREFIX)) {
      String id = o.key().substring(Snapshot.PREFIX.length());
      if (!Hex.isId(id)) {
        continue;
      }
      byte[] stored;
      try {
        stored = repo.storage().read(o.key());
      } catch (dev.arca.engine.storage.ObjectMissingException forgotten) {
        continue; // removed by a forget running meanwhile
      }
      out.add(new Ref(id, repo.codec().openJson(stored, Snapshot.class, o.key())));
    }
    out.sort(Comparator.comparing(Ref::time).thenComparing(Ref::id));
    return out;
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
      if (!java.util.Arrays.equals(repo.storage().read(Snapshot.PREFIX + id), stored)) {
        throw e;
      }
    }
    return id;
  }

  /**
   * Resolves {@code spec} ({@code latest}, a full id or a unique prefix) and, if {@code before} is
   * given (RFC 3339), picks the newest snapshot at or before that time instead of the latest.
   */
  public static Ref resolve(Repository repo, String spec, String before) throws IOException {
    List<Ref> all = list(repo);
    if (before != null) {
      if (spec != null && !spec.equals("latest")) {
        throw ArcaException.usage("give either a snapshot id or --before TIME, not both");
      }
      Instant limit = parseTime(before);
      Ref best = null;
      for (Ref r : all) {
        if (!r.time().isAfter(limit)) {
          best = r;
        }
      }
      if (best == null) {
        throw ArcaException.usage(
            "no snapshot at or before " + before + " in " + repo.storage().describe());
      }
      return best;
    }
    if (spec == null || spec.equals("latest")) {
      if (all.isEmpty()) {
        throw ArcaException.usage(
            "repository " + repo.storage().describe() + " has no snapshots yet; run arca backup");
      }
      return all.get(all.size() - 1);
    }
    List<Ref> matches = all.stream().filter(r -> r.id().startsWith(spec.toLowerCase())).toList();
    if (matches.isEmpty()) {
      throw ArcaException.usage(
          "no snapshot with id '" + spec + "'; list them with arca snapshots");
    }
    if (matches.size() > 1) {
      throw ArcaException.usage(
          "snapshot id prefix '" + spec + "' matches " + matches.size() + " snapshots; give more");
    }
    return matches.get(0);
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
