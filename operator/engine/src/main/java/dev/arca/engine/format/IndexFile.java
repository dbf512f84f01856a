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

  /** Adds every entry of an index payload to {@code into}. */
  public static void decodeInto(byte[] payload, BlobIndex into, String what) {
    try {
      ByteBuffer b = ByteBuffer.wrap(payload);
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw ArcaException.integrity(what + " is not an Arca index");
      }
      int packCount = b.getInt();
      byte[][] packs = new byte[packCount][32];
      for (int i = 0; i < packCount; i++) {
        b.get(packs[i]);
      }
      int n = b.getInt();
      for (int i = 0; i < n; i++) {
        byte[] id = new byte[32];
        b.get(id);
        byte[] pack = packs[b.getInt()];
        int off = b.getInt();
        int len = b.getInt();
        int raw = b.getInt();
        BlobType type = BlobType.of(b.get());
        into.add(id, pack, off, len, raw, type, b.get());
      }
    } catch (RuntimeException e) {
      if (e instanceof ArcaException) {
        throw e;
      }
      throw ArcaException.integrity(what + " is damaged: " + e);
    }
  }
}
