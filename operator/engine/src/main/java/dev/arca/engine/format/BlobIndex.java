package dev.arca.engine.format;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every blob of the repository lives, in memory: an open-addressing hash table over primitive
 * arrays (about 60 bytes per blob, no object per entry). Thread-safe; the first location recorded
 * for an id wins.
 */
public final class BlobIndex {
  private static final int ID = 32;

  private byte[] ids = new byte[ID * 1024];
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
    System.arraycopy(id, 0, ids, e * ID, ID);
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
    return new Location(
        Arrays.copyOfRange(ids, e * ID, e * ID + ID),
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
    int mask = table.length - 1;
    for (int slot = hash(id, 0) & mask; ; slot = (slot + 1) & mask) {
      int v = table[slot];
      if (v == 0) {
        return -1;
      }
      int e = v - 1;
      if (Arrays.equals(ids, e * ID, e * ID + ID, id, 0, ID)) {
        return e;
      }
    }
  }

  private void insert(int e) {
    int mask = table.length - 1;
    int slot = hash(ids, e * ID) & mask;
    while (table[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    table[slot] = e + 1;
  }

  private void grow() {
    int cap = table.length;
    ids = Arrays.copyOf(ids, cap * ID);
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

  private static int hash(byte[] b, int off) {
    long v = ByteBuffer.wrap(b, off, 8).getLong();
    return (int) (v ^ (v >>> 32));
  }
}
