package dev.arca.engine.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Erasure records ({@code erasures/<sha256>}, FORMAT.md "Erasure records"): what an {@code arca
 * rewrite} erased, so that {@code prune} removes it and confirms it gone. A record names blobs by
 * id and packs only, never a path or pattern of what was erased (the record must not keep what it
 * erases); it names the paths of data that stays where that data shares a blob with what was
 * erased. Written create-only; prune deletes a record once every blob it lists is gone.
 */
public final class ErasureRecords {
  public static final String PREFIX = "erasures/";

  /** The largest record the format allows (plaintext). */
  public static final int MAX_RECORD = 64 << 20;

  /**
   * Erased and shared entries a writer puts in one object (a run may write several): with at most
   * {@link #WRITTEN_PACKS} packs per blob and {@link #SHARED_PATHS} paths a run, an object stays
   * far below {@link #MAX_RECORD}.
   */
  static final int SPLIT = 40_000;

  /** Packs a record may name for one blob. */
  public static final int MAX_PACKS = 16;

  /** Packs a writer names for one blob (the copies in more packs are not named). */
  public static final int WRITTEN_PACKS = 4;

  /** Shared blobs a writer names a path for; the others are listed by id alone. */
  public static final int SHARED_PATHS = 1_000;

  /** A run's id: what the objects of one rewrite share. */
  private static final Pattern RUN = Pattern.compile("[0-9a-f]{32}");

  private ErasureRecords() {}

  /**
   * One record.
   *
   * @param time when the rewrite committed (RFC 3339, UTC)
   * @param run the rewrite's id (32 hex digits): a run that lists many blobs writes several records
   *     with the same run
   * @param snapshots the snapshots the run rewrote: each original and what replaced it
   * @param erased blobs that only erased data needed: each must be gone after prune
   * @param shared blobs erased data needed that data which stays needs too: they stay
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Record(
      @JsonProperty("time") String time,
      @JsonProperty("run") String run,
      @JsonProperty("snapshots") List<Rewritten> snapshots,
      @JsonProperty("erased") List<Erased> erased,
      @JsonProperty("shared") List<Shared> shared) {}

  /**
   * A rewritten snapshot.
   *
   * @param from the original (forgotten by the run, unless it kept originals)
   * @param to its rewrite; absent when nothing of it was left
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rewritten(@JsonProperty("from") String from, @JsonProperty("to") String to) {}

  /**
   * A blob only erased data needed.
   *
   * @param blob its id
   * @param packs the packs that held it when the run committed (at most {@link #MAX_PACKS})
   */
  public record Erased(
      @JsonProperty("blob") String blob, @JsonProperty("packs") List<String> packs) {}

  /**
   * A blob of erased data that data which stays needs too.
   *
   * @param blob its id
   * @param snapshot a snapshot that keeps it (absent when not looked for)
   * @param path where that snapshot keeps it: the file, or the folder of a listing (shown as people
   *     read paths)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Shared(
      @JsonProperty("blob") String blob,
      @JsonProperty("snapshot") String snapshot,
      @JsonProperty("path") String path) {}

  /** A listed record and its key. */
  public record Ref(String key, Record record) {}

  /**
   * Every readable record; {@code damaged} hears the key of each one that cannot be read and why.
   */
  public static List<Ref> list(Repository repo, BiConsumer<String, String> damaged)
      throws IOException {
    List<Ref> out = new ArrayList<>();
    for (Storage.ObjectInfo o : repo.storage().list(PREFIX)) {
      try {
        Record r = SealedObjects.openJson(repo, o, SealedObjects.Kind.ERASURE, Record.class);
        String problem = problem(r);
        if (problem != null) {
          throw ArcaException.integrity(o.key() + " is damaged: " + problem);
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
    return out;
  }

  /** What makes a record unusable, or null. */
  static String problem(Record r) {
    if (r.time() == null || r.run() == null || !RUN.matcher(r.run()).matches()) {
      return "its time or run is missing or not valid";
    }
    try {
      Instant.parse(r.time());
    } catch (DateTimeParseException e) {
      return "its time is not an RFC 3339 instant";
    }
    if (r.snapshots() == null || r.erased() == null || r.shared() == null) {
      return "a list is missing";
    }
    for (Rewritten s : r.snapshots()) {
      if (s == null || !Hex.isId(s.from()) || (s.to() != null && !Hex.isId(s.to()))) {
        return "it names a snapshot id that is not 64 hex digits";
      }
    }
    for (Erased e : r.erased()) {
      if (e == null || !Hex.isId(e.blob()) || e.packs() == null || e.packs().size() > MAX_PACKS) {
        return "an erased entry is not a blob id with at most " + MAX_PACKS + " packs";
      }
      if (!e.packs().stream().allMatch(Hex::isId)) {
        return "it names a pack id that is not 64 hex digits";
      }
    }
    for (Shared s : r.shared()) {
      if (s == null
          || !Hex.isId(s.blob())
          || (s.snapshot() != null && !Hex.isId(s.snapshot()))
          || (s.path() != null && s.path().length() > 4 * Limits.MAX_PATH)) {
        return "a shared entry is not a blob id with a snapshot id and a path within bounds";
      }
    }
    return null;
  }

  /**
   * Writes {@code r}, split into objects of at most {@link #SPLIT} erased and shared entries each,
   * every one with the run's time, id and snapshots; returns their keys.
   */
  public static List<String> save(Repository repo, Record r) throws IOException {
    List<String> keys = new ArrayList<>();
    int n = Math.max(r.erased().size(), r.shared().size());
    for (int i = 0; i == 0 || i < n; i += SPLIT) {
      Record part =
          new Record(r.time(), r.run(), r.snapshots(), slice(r.erased(), i), slice(r.shared(), i));
      byte[] stored = repo.codec().sealJson(part);
      String key = PREFIX + Hex.of(ChunkIds.sha256().digest(stored));
      repo.storage().create(key, stored);
      keys.add(key);
    }
    return keys;
  }

  private static <T> List<T> slice(List<T> all, int from) {
    return from >= all.size() ? List.of() : all.subList(from, Math.min(all.size(), from + SPLIT));
  }
}
