package dev.arca.engine.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Damage records ({@code damage/<sha256>}, FORMAT.md "Damage records"): blob copies that a read or
 * {@code verify} found damaged or missing, so that no backup deduplicates against them again (it
 * stores the content anew from its source, and readers then take the new copy) and prune does not
 * copy them into new packs. Written create-only, like every other object; prune deletes a record
 * once none of the packs it names is left.
 */
public final class DamageRecords {
  public static final String PREFIX = "damage/";

  /** The largest record the format allows (plaintext). */
  public static final int MAX_RECORD = 16 << 20;

  /** Entries per record a writer puts in one object (about 200 bytes each). */
  static final int SPLIT = 50_000;

  /** How much of a reason a writer keeps. */
  static final int MAX_WHY = 300;

  private DamageRecords() {}

  /**
   * One record.
   *
   * @param time when the damage was found (RFC 3339, UTC)
   * @param found the command that found it ({@code verify}, {@code restore}, ...)
   * @param entries the damaged copies
   */
  public record Record(
      @JsonProperty("time") String time,
      @JsonProperty("found") String found,
      @JsonProperty("entries") List<Entry> entries) {}

  /**
   * One damaged copy: a blob in a pack, or a whole pack (no blob) that is missing, shorter than its
   * index entries say, or has an unreadable header.
   *
   * @param pack the pack's hex id
   * @param blob the blob's hex id; absent when the whole pack is damaged
   * @param why what was found, for people
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(
      @JsonProperty("pack") String pack,
      @JsonProperty("blob") String blob,
      @JsonProperty("why") String why) {

    /** A whole pack. */
    public static Entry pack(String pack, String why) {
      return new Entry(pack, null, why);
    }

    /** One blob's copy in a pack. */
    public static Entry blob(BlobIndex.Location l, String why) {
      return new Entry(Hex.of(l.pack()), Hex.of(l.id()), why);
    }

    boolean valid() {
      return Hex.isId(pack) && (blob == null || Hex.isId(blob)) && why != null;
    }
  }

  /** A listed record and its key. */
  public record Ref(String key, Record record) {}

  /** What the readable records say, for quick questions. */
  public static final class Known {
    private final Set<String> packs = new HashSet<>();
    private final Set<String> copies = new HashSet<>();
    private final List<Ref> refs;

    Known(List<Ref> refs) {
      this.refs = List.copyOf(refs);
      for (Ref r : refs) {
        for (Entry e : r.record().entries()) {
          if (e.blob() == null) {
            packs.add(e.pack());
          } else {
            copies.add(e.pack() + "/" + e.blob());
          }
        }
      }
    }

    /** No record at all. */
    public static Known none() {
      return new Known(List.of());
    }

    /** Whether this copy of a blob is known to be damaged (itself or its whole pack). */
    public boolean damaged(BlobIndex.Location l) {
      String pack = Hex.of(l.pack());
      return packs.contains(pack) || copies.contains(pack + "/" + Hex.of(l.id()));
    }

    /** Whether {@code e} says nothing the records do not already say. */
    public boolean knows(Entry e) {
      return e.blob() == null
          ? packs.contains(e.pack())
          : packs.contains(e.pack()) || copies.contains(e.pack() + "/" + e.blob());
    }

    public boolean isEmpty() {
      return packs.isEmpty() && copies.isEmpty();
    }

    public List<Ref> refs() {
      return refs;
    }
  }

  /**
   * Every readable record; a damaged one is left out and {@code warn} hears of it (leaving one out
   * only means its copies may be tried again and found damaged again).
   */
  public static Known list(Repository repo, Consumer<String> warn) throws IOException {
    return list(repo, (key, why) -> warn.accept(why + "; the damage it records may be met again"));
  }

  /** As {@link #list(Repository, Consumer)}; {@code damaged} hears each key and why. */
  public static Known list(Repository repo, java.util.function.BiConsumer<String, String> damaged)
      throws IOException {
    List<Ref> out = new ArrayList<>();
    for (Storage.ObjectInfo o : repo.storage().list(PREFIX)) {
      try {
        Record r = SealedObjects.openJson(repo, o, SealedObjects.Kind.DAMAGE, Record.class);
        if (r.entries() == null || !r.entries().stream().allMatch(Entry::valid)) {
          throw ArcaException.integrity(o.key() + " is damaged: it names invalid ids");
        }
        out.add(new Ref(o.key(), r));
      } catch (ObjectMissingException gone) {
        // deleted by a prune run meanwhile
      } catch (ArcaException e) {
        if (e.kind() != ArcaException.Kind.INTEGRITY) {
          throw e;
        }
        damaged.accept(o.key(), e.getMessage());
      }
    }
    return new Known(out);
  }

  /**
   * Writes records of the entries of {@code found} that no readable record has yet, found by {@code
   * command} now; when there are such entries {@code warn} hears how many ("recorded 2 damaged blob
   * copies in the repository: " then {@code consequence}).
   */
  public static void record(
      Repository repo, List<Entry> found, String command, String consequence, Consumer<String> warn)
      throws IOException {
    int n = save(repo, list(repo, m -> {}), found, command, Instant.now());
    if (n > 0) {
      warn.accept(
          "recorded "
              + n
              + " damaged blob "
              + (n == 1 ? "copy" : "copies")
              + " in the repository: "
              + consequence);
    }
  }

  /**
   * Writes records of the entries {@code known} does not already have (split every {@link #SPLIT});
   * returns how many entries were new.
   */
  public static int save(
      Repository repo, Known known, List<Entry> found, String command, Instant now)
      throws IOException {
    List<Entry> fresh = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Entry e : found) {
      if (!known.knows(e) && seen.add(e.pack() + "/" + e.blob())) {
        String why = e.why().length() > MAX_WHY ? e.why().substring(0, MAX_WHY) : e.why();
        fresh.add(new Entry(e.pack(), e.blob(), why));
      }
    }
    for (int i = 0; i < fresh.size(); i += SPLIT) {
      List<Entry> part = fresh.subList(i, Math.min(fresh.size(), i + SPLIT));
      byte[] stored = repo.codec().sealJson(new Record(now.toString(), command, part));
      repo.storage().create(PREFIX + Hex.of(ChunkIds.sha256().digest(stored)), stored);
    }
    return fresh.size();
  }
}
