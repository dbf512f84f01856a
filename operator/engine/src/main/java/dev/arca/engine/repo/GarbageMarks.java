package dev.arca.engine.repo;

import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.GarbageMark;
import dev.arca.engine.format.Hex;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads and writes {@link GarbageMark}s. */
public final class GarbageMarks {
  private GarbageMarks() {}

  /** A mark and its object key. */
  public record Ref(String key, GarbageMark mark) {
    public Instant time() {
      return Instant.parse(mark.time());
    }

    public Instant deleteAfter() {
      return Instant.parse(mark.deleteAfter());
    }

    /**
     * Whether a backup may still commit a snapshot that needs these packs: true until the last
     * quarter of the grace period, which is left as a margin for clock skew and slow writes.
     */
    public boolean safeToReference(Instant now) {
      java.time.Duration grace = java.time.Duration.between(time(), deleteAfter());
      return now.isBefore(deleteAfter().minus(grace.dividedBy(4)));
    }
  }

  /** Every mark in the repository (a mark deleted while listing is skipped); damage fails. */
  public static List<Ref> list(Repository repo) throws IOException {
    return list(repo, null);
  }

  /**
   * Every readable mark; with {@code warn} null a damaged mark fails the listing (prune needs every
   * mark), otherwise it is left out and {@code warn} hears of it. Leaving one out is safe for a
   * backup or a reader: prune refuses to run while a mark cannot be read, so its packs stay.
   */
  public static List<Ref> list(Repository repo, java.util.function.Consumer<String> warn)
      throws IOException {
    List<Ref> out = new ArrayList<>();
    for (Storage.ObjectInfo o : repo.storage().list(GarbageMark.PREFIX)) {
      try {
        out.add(
            new Ref(
                o.key(),
                SealedObjects.openJson(repo, o, SealedObjects.Kind.MARK, GarbageMark.class)));
      } catch (ObjectMissingException gone) {
        // swept by a prune run meanwhile
      } catch (dev.arca.engine.ArcaException e) {
        if (warn == null || e.kind() != dev.arca.engine.ArcaException.Kind.INTEGRITY) {
          throw e;
        }
        warn.accept(e.getMessage() + "; its packs are kept until it is repaired");
      }
    }
    return out;
  }

  /** The hex ids of all marked packs. */
  public static Set<String> markedPacks(List<Ref> marks) {
    Set<String> out = new HashSet<>();
    for (Ref r : marks) {
      out.addAll(r.mark().packs());
    }
    return out;
  }

  /** Writes a mark for {@code packs}, deletable from {@code deleteAfter}; returns its key. */
  public static String save(Repository repo, List<String> packs, Instant now, Instant deleteAfter)
      throws IOException {
    byte[] stored =
        repo.codec()
            .sealJson(new GarbageMark(now.toString(), deleteAfter.toString(), List.copyOf(packs)));
    String key = GarbageMark.PREFIX + Hex.of(ChunkIds.sha256().digest(stored));
    repo.storage().create(key, stored);
    return key;
  }
}
