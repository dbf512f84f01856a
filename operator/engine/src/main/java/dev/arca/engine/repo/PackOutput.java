package dev.arca.engine.repo;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.Compression;
import dev.arca.engine.format.FloatGrouping;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.PackWriter;
import dev.arca.engine.format.Packs;
import dev.arca.engine.storage.ObjectExistsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one pack writer every writer of the repository goes through (backups, repacking, repairs):
 * accumulates sealed blobs into one open pack, closes it once it reaches the target size (a pack
 * ends after the blob that passes the target), seals its header ({@link PackWriter}), stores it
 * create-only under its content name and hands back the index entries of its blobs.
 *
 * <p>Two ways to drive it. Small writers (repacking, repairs) call {@link #add} and {@link
 * #finish}: a full pack is stored at once, and {@code finish} stores the last one and then the
 * index of everything written, the order every writer keeps (packs, then index, then whatever
 * refers to them). A backup calls {@link #offer}, which hands a full pack back instead, stores it
 * with {@link #store} on its own upload threads and indexes the entries itself. {@link #offer},
 * {@link #closeOpen} and {@link #store} are thread-safe; {@link #add} and {@link #finish} are not.
 */
public final class PackOutput {
  /**
   * Room a pack's array keeps past the target: the blob that crosses it (at most {@link
   * Limits#MAX_DATA_BLOB}) and the header.
   */
  public static final int ROOM_PAST_TARGET = Limits.MAX_DATA_BLOB + (1 << 20);

  /** Small writers start a pack in an array of at most this size and let it grow. */
  private static final int SMALL_START = 4 << 20;

  /** Makes the (empty) writer for each new pack: where its array comes from is the caller's. */
  public interface Opener {
    PackWriter open() throws IOException;
  }

  /** A stored pack and the index entries of its blobs. */
  public record Stored(PackWriter.Finished pack, List<BlobIndex.Location> blobs) {}

  private final Repository repo;
  private final int target;
  private final Opener packs;
  private final List<BlobIndex.Location> written = new ArrayList<>();
  private PackWriter open;
  private long bytes;

  /** A writer of packs of the repository's target size, for the small writers. */
  public PackOutput(Repository repo) {
    this(
        repo,
        repo.config().packTargetSize(),
        () -> new PackWriter(Math.min(repo.config().packTargetSize(), SMALL_START)));
  }

  /** A writer of packs closed at {@code target} bytes, each built by {@code packs}. */
  public PackOutput(Repository repo, int target, Opener packs) {
    this.repo = repo;
    this.target = target;
    this.packs = packs;
  }

  /** Adds one sealed blob; a pack that reaches the target size is stored at once. */
  public void add(
      BlobType type, byte codec, byte[] id, byte[] sealed, int sealedLength, int rawLength)
      throws IOException {
    PackWriter full = offer(type, codec, id, sealed, sealedLength, rawLength);
    if (full != null) {
      keep(full);
    }
  }

  /**
   * Compresses (zstd when it saves enough) and seals one tree blob, a folder listing's JSON whose
   * id is {@code id}, and adds it as {@link #add} does.
   */
  public void addTree(byte[] id, byte[] json) throws IOException {
    int bound = Compression.bound(json.length);
    byte[] packed = new byte[bound];
    Compression.Packed p =
        repo.compression().pack(json, 0, json.length, packed, FloatGrouping.NONE);
    byte[] sealed = new byte[bound + repo.cipher().overhead(bound)];
    int n =
        p.codec() == Compression.NONE
            ? repo.cipher().seal(json, 0, json.length, sealed, 0)
            : repo.cipher().seal(packed, 0, p.length(), sealed, 0);
    add(BlobType.TREE, p.codec(), id, sealed, n, json.length);
  }

  /** Stores the last pack and the index of every blob written through {@link #add}. */
  public void finish() throws IOException {
    PackWriter last = closeOpen();
    if (last != null && last.blobCount() > 0) {
      keep(last);
    }
    repo.saveIndexes(written);
  }

  /** Bytes of the packs stored through {@link #add} so far. */
  public long bytes() {
    return bytes;
  }

  /**
   * Adds one sealed blob to the open pack (opening one if none is); returns that pack, closed, when
   * it reached the target size (the caller then {@link #store}s it), and null otherwise.
   */
  public synchronized PackWriter offer(
      BlobType type, byte codec, byte[] id, byte[] sealed, int sealedLength, int rawLength)
      throws IOException {
    if (open == null) {
      open = packs.open();
    }
    open.add(type, codec, id, sealed, sealedLength, rawLength);
    if (open.size() < target) {
      return null;
    }
    PackWriter full = open;
    open = null;
    return full;
  }

  /** Closes the open pack and returns it (possibly empty), or null if none is open. */
  public synchronized PackWriter closeOpen() {
    PackWriter w = open;
    open = null;
    return w;
  }

  /**
   * Seals the header of a closed pack, stores it create-only, and returns it with the index entries
   * of its blobs. The pack's name is its content's hash: an existing object of that name and length
   * is this very pack, stored by another run; one of another length is a collision and fails.
   */
  public Stored store(PackWriter w) throws IOException {
    PackWriter.Finished f = w.finish(repo.cipher());
    try {
      repo.storage().create(f.key(), f.bytes(), 0, f.length());
    } catch (ObjectExistsException e) {
      if (repo.storage().size(f.key()) != f.length()) {
        throw e;
      }
    }
    List<BlobIndex.Location> blobs = new ArrayList<>(f.entries().size());
    for (Packs.Entry e : f.entries()) {
      blobs.add(
          new BlobIndex.Location(
              e.id(), f.id(), e.offset(), e.length(), e.rawLength(), e.type(), e.codec()));
    }
    return new Stored(f, blobs);
  }

  private void keep(PackWriter full) throws IOException {
    Stored s = store(full);
    bytes += s.pack().length();
    written.addAll(s.blobs());
  }
}
