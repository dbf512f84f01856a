package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Part;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part objects of a repository: written by the parallel Jobs of one backup run, joined by its
 * commit into one snapshot, then deleted (FORMAT.md, "Parts"). Until then they are roots for prune,
 * as snapshots are; a part left by a run that never committed stops being one after {@link #LIFE}.
 */
public final class Parts {
  /** How long a part object is kept for its commit; prune deletes older ones. */
  public static final Duration LIFE = Duration.ofDays(7);

  /** A commit refuses parts older than this, well inside {@link #LIFE}. */
  public static final Duration COMMIT_WITHIN = Duration.ofDays(6);

  private Parts() {}

  /**
   * A readable part object.
   *
   * @param id its name's hash
   * @param part what it holds
   * @param stored when the store says it was created
   */
  public record Ref(String id, Part part, Instant stored) {
    public String key() {
      return Part.PREFIX + id;
    }

    /** When the part's run started, as the part records it. */
    public Instant time() {
      return Instant.parse(part.snapshot().time());
    }
  }

  /**
   * The readable part objects, and the unreadable ones (key to why, and key to when the store
   * created them, where it says).
   */
  public record Listing(
      List<Ref> readable, Map<String, String> unreadable, Map<String, Instant> unreadableStored) {}

  /** Every part object; one that cannot be read never hides the others. */
  public static Listing list(Repository repo) throws IOException {
    List<Ref> out = new ArrayList<>();
    Map<String, String> unreadable = new TreeMap<>();
    Map<String, Instant> unreadableStored = new TreeMap<>();
    for (Storage.ObjectInfo o : repo.storage().list(Part.PREFIX)) {
      String id = o.key().substring(Part.PREFIX.length());
      if (!Hex.isId(id)) {
        continue;
      }
      try {
        Part p = SealedObjects.openJson(repo, o, SealedObjects.Kind.PART, Part.class);
        String problem = problem(p);
        if (problem != null) {
          throw ArcaException.integrity(o.key() + " is damaged: " + problem);
        }
        out.add(new Ref(id, p, o.modified()));
      } catch (ObjectMissingException committed) {
        continue; // joined and deleted by a commit meanwhile
      } catch (ArcaException e) {
        if (e.kind() != ArcaException.Kind.INTEGRITY) {
          throw e;
        }
        unreadable.put(o.key(), e.getMessage());
        if (o.modified() != null) {
          unreadableStored.put(o.key(), o.modified());
        }
      }
    }
    return new Listing(out, unreadable, unreadableStored);
  }

  private static String problem(Part p) {
    if (p == null) {
      return "it is empty";
    }
    String own = p.problem();
    if (own != null) {
      return own;
    }
    return Snapshots.problem(p.snapshot());
  }

  /** Whether prune still keeps what {@code r} needs at {@code now}. */
  public static boolean live(Ref r, Instant now) {
    Instant born = r.stored() != null ? r.stored() : r.time();
    return born.plus(LIFE).isAfter(now);
  }

  /** Writes a part object, create-only; returns its id. */
  public static String save(Repository repo, Part p) throws IOException {
    byte[] stored = repo.codec().sealJson(p);
    String id = Hex.of(ChunkIds.sha256().digest(stored));
    repo.storage().create(Part.PREFIX + id, stored);
    return id;
  }

  /** Deletes part objects (already gone is fine). */
  public static void delete(Repository repo, List<Ref> parts) throws IOException {
    for (Ref r : parts) {
      repo.storage().delete(r.key()); // a missing one was deleted by a commit or a prune first
    }
  }
}
