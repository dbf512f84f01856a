package dev.arca.engine.format;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every blob of the repository lives, in memory: an open-addressing hash table over primitive
 * arrays (57 bytes per slot, slots doubling as entries arrive: 57 to 114 bytes per blob, no object
 * per entry). Ids are kept as four longs each, so no array outgrows Java's limit below {@link
 * #MAX_ENTRIES} blobs (as bytes, the ids of 2^26 blobs would not fit one array). Thread-safe; the
 * first location recorded for an id wins.
 */
public final class BlobIndex {
  private static final int ID = 32;

  /** Longs per id. */
  private static final int WORDS = ID / 8;

  /** The most blobs an index holds: 2^28 (the next doubling would need 2^31 longs of ids). */
  public static final int MAX_ENTRIES = 1 << 28;

  private long[] ids = new long[WORDS * 1024];
  private int[] packs = new int[1024];
  private int[] offsets = new int[1024];
  private int[] lengths = new int[1024];
  private int[] rawLengths = new int[1024];
  private byte[] kinds = new byte[1024];
  private int count;
  private int[] table = new int[2048];

  private final List<byte[]> packIds = new ArrayList<>();
  private final Map<String, Integer> packOrdinals = new HashMap<>();

  /** Where a blob is stored. */
  public record Location(
      byte[] id, byte[] pack, int offset, int length, int rawLength, BlobType type, byte codec) {

    public String packKey() {
      return Packs.key(pack);
    }
  }

  public synchronized int size() {
    return count;
  }

  public synchronized boolean contains(byte[] id) {
    return find(id) >= 0;
  }

  public synchronized Location get(byte[] id) {
    int e = find(id);
    return e < 0 ? null : location(e);
  }

  /** Records a blob's location; returns false when the id was already known. */
  public synchronized boolean add(
      byte[] id, byte[] pack, int offset, int length, int rawLength, BlobType type, byte codec) {
    if (find(id) >= 0) {
      return false;
    }
    if ((count + 1) * 2 > table.length) {
      grow();
    }
    int e = count++;
    ByteBuffer.wrap(id).asLongBuffer().get(ids, e * WORDS, WORDS);
    packs[e] = packOrdinal(pack);
    offsets[e] = offset;
    lengths[e] = length;
    rawLengths[e] = rawLength;
    kinds[e] = (byte) ((type.code() << 4) | codec);
    insert(e);
    return true;
  }

  /** All locations, in insertion order. */
  public synchronized List<Location> all() {
    List<Location> out = new ArrayList<>(count);
    for (int e = 0; e < count; e++) {
      out.add(location(e));
    }
    return out;
  }

  /** Every pack that holds at least one blob. */
  public synchronized List<byte[]> packIds() {
    return new ArrayList<>(packIds);
  }

  private Location location(int e) {
    byte[] id = new byte[ID];
    ByteBuffer.wrap(id).asLongBuffer().put(ids, e * WORDS, WORDS);
    return new Location(
        id,
        packIds.get(packs[e]),
        offsets[e],
        lengths[e],
        rawLengths[e],
        BlobType.of((byte) (kinds[e] >> 4)),
        (byte) (kinds[e] & 0x0f));
  }

  private int packOrdinal(byte[] pack) {
    String key = Hex.of(pack);
    Integer o = packOrdinals.get(key);
    if (o == null) {
      o = packIds.size();
      packIds.add(pack.clone());
      packOrdinals.put(key, o);
    }
    return o;
  }

  private int find(byte[] id) {
    ByteBuffer b = ByteBuffer.wrap(id, 0, ID);
    long w0 = b.getLong();
    long w1 = b.getLong();
    long w2 = b.getLong();
    long w3 = b.getLong();
    int mask = table.length - 1;
    for (int slot = hash(w0) & mask; ; slot = (slot + 1) & mask) {
      int v = table[slot];
      if (v == 0) {
        return -1;
      }
      int at = (v - 1) * WORDS;
      if (ids[at] == w0 && ids[at + 1] == w1 && ids[at + 2] == w2 && ids[at + 3] == w3) {
        return v - 1;
      }
    }
  }

  private void insert(int e) {
    int mask = table.length - 1;
    int slot = hash(ids[e * WORDS]) & mask;
    while (table[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    table[slot] = e + 1;
  }

  private void grow() {
    int cap = grownCapacity(table.length / 2);
    ids = Arrays.copyOf(ids, cap * WORDS);
    packs = Arrays.copyOf(packs, cap);
    offsets = Arrays.copyOf(offsets, cap);
    lengths = Arrays.copyOf(lengths, cap);
    rawLengths = Arrays.copyOf(rawLengths, cap);
    kinds = Arrays.copyOf(kinds, cap);
    table = new int[cap * 2];
    for (int e = 0; e < count; e++) {
      insert(e);
    }
  }

  /**
   * The entry capacity after growing from {@code entries}: twice as many, or an error past {@link
   * #MAX_ENTRIES}. The table has two slots per entry.
   */
  static int grownCapacity(int entries) {
    if (entries >= MAX_ENTRIES) {
      throw new dev.arca.engine.ArcaException(
          dev.arca.engine.ArcaException.Kind.ERROR,
          "the repository index would hold more than "
              + MAX_ENTRIES
              + " blobs, more than one arca process can keep in memory");
    }
    return entries * 2;
  }

  /** The first 8 bytes of an id (big endian), folded: ids are uniform hashes. */
  private static int hash(long v) {
    return (int) (v ^ (v >>> 32));
  }
}
