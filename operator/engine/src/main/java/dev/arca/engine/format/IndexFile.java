package dev.arca.engine.format;

import dev.arca.engine.ArcaException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An index object ({@code index/<sha256>}): where the blobs of some packs live. Binary payload:
 * magic {@code ARCAIDX1}, the pack ids, then one 50-byte entry per blob (id, pack number, offset,
 * length, raw length, type, codec). Index objects are written after their packs and never changed.
 */
public final class IndexFile {
  public static final String PREFIX = "index/";
  private static final byte[] MAGIC = "ARCAIDX1".getBytes(StandardCharsets.US_ASCII);
  private static final int ENTRY = 32 + 4 * 4 + 2;

  private IndexFile() {}

  public static byte[] encode(List<BlobIndex.Location> blobs) {
    Map<String, Integer> ordinals = new HashMap<>();
    List<byte[]> packs = new ArrayList<>();
    for (BlobIndex.Location l : blobs) {
      ordinals.computeIfAbsent(
          Hex.of(l.pack()),
          k -> {
            packs.add(l.pack());
            return packs.size() - 1;
          });
    }
    ByteBuffer b =
        ByteBuffer.allocate(MAGIC.length + 4 + packs.size() * 32 + 4 + blobs.size() * ENTRY);
    b.put(MAGIC).putInt(packs.size());
    packs.forEach(b::put);
    b.putInt(blobs.size());
    for (BlobIndex.Location l : blobs) {
      b.put(l.id()).putInt(ordinals.get(Hex.of(l.pack())));
      b.putInt(l.offset()).putInt(l.length()).putInt(l.rawLength());
      b.put(l.type().code()).put(l.codec());
    }
    return b.array();
  }

  /**
   * Adds every entry of an index payload to {@code into}. Counts are checked against the bytes that
   * follow them and every entry against the format's limits before anything is allocated.
   */
  public static void decodeInto(byte[] payload, BlobIndex into, String what) {
    try {
      ByteBuffer b = ByteBuffer.wrap(payload);
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw ArcaException.integrity(what + " is not an Arca index");
      }
      int packCount = b.getInt();
      if (packCount < 0 || (long) packCount * 32 > b.remaining()) {
        throw ArcaException.integrity(
            what + " is damaged: it claims " + packCount + " packs, more than it holds");
      }
      byte[][] packs = new byte[packCount][32];
      for (int i = 0; i < packCount; i++) {
        b.get(packs[i]);
      }
      int n = b.getInt();
      if (n < 0 || (long) n * ENTRY != b.remaining()) {
        throw ArcaException.integrity(
            what + " is damaged: it claims " + n + " entries in " + b.remaining() + " bytes");
      }
      for (int i = 0; i < n; i++) {
        byte[] id = new byte[32];
        b.get(id);
        int pack = b.getInt();
        if (pack < 0 || pack >= packCount) {
          throw ArcaException.integrity(what + " is damaged: an entry names pack " + pack);
        }
        int off = b.getInt();
        int len = b.getInt();
        int raw = b.getInt();
        BlobType type = BlobType.of(b.get());
        byte codec = b.get();
        checkEntry(type, off, len, raw, what);
        into.add(id, packs[pack], off, len, raw, type, codec);
      }
    } catch (RuntimeException e) {
      if (e instanceof ArcaException) {
        throw e;
      }
      throw ArcaException.integrity(what + " is damaged: " + e);
    }
  }

  /**
   * Checks one blob's place against the format's limits (an index entry or a pack header entry).
   */
  public static void checkEntry(BlobType type, long offset, long length, long raw, String what) {
    Limits.check(raw, Limits.maxBlob(type), what + " (a " + type + " blob)");
    Limits.check(length, Limits.sealedBound(raw), what + " (a blob's stored length)");
    Limits.check(offset + length, Limits.MAX_PACK, what + " (a blob's place in its pack)");
    if (offset < 0) {
      throw ArcaException.integrity(what + " is damaged: a blob at offset " + offset);
    }
  }
}
