package dev.arca.engine.format;

import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.BlobCipher;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Pack layout: sealed blobs one after another, then the sealed pack header (one entry per blob:
 * type, codec, id, offset, length, raw length), then the header's length as 4 bytes little endian.
 * A pack is named by the SHA-256 of all its bytes under {@code data/<2 hex>/<64 hex>}.
 */
public final class Packs {
  public static final String PREFIX = "data/";
  static final int ENTRY = 1 + 1 + 32 + 4 + 4 + 4;

  private Packs() {}

  public static String key(byte[] packId) {
    String hex = Hex.of(packId);
    return PREFIX + hex.substring(0, 2) + "/" + hex;
  }

  /** The pack id of a key produced by {@link #key}, or null if the key is not a pack. */
  public static String idOf(String key) {
    int slash = key.lastIndexOf('/');
    String name = key.substring(slash + 1);
    return key.startsWith(PREFIX) && Hex.isId(name) ? name : null;
  }

  /** One blob's entry in a pack header. */
  public record Entry(
      BlobType type, byte codec, byte[] id, int offset, int length, int rawLength) {}

  static byte[] encodeHeader(List<Entry> entries) {
    ByteBuffer b = ByteBuffer.allocate(4 + entries.size() * ENTRY).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(entries.size());
    for (Entry e : entries) {
      b.put(e.type().code()).put(e.codec()).put(e.id());
      b.putInt(e.offset()).putInt(e.length()).putInt(e.rawLength());
    }
    return b.array();
  }

  /** Reads the header of a whole pack. */
  public static List<Entry> readHeader(byte[] pack, BlobCipher cipher, String what) {
    int len = headerLength(pack, pack.length, what);
    return readHeader(pack, pack.length - 4 - len, len, pack.length - 4L - len, cipher, what);
  }

  /**
   * The sealed header's length, from a pack's last bytes: {@code tail} ends where the pack of
   * {@code packSize} bytes ends. Checked to lie inside the pack.
   */
  public static int headerLength(byte[] tail, long packSize, String what) {
    if (packSize < 4 || tail.length < 4) {
      throw ArcaException.integrity(what + " is damaged: too short to be a pack");
    }
    int len = ByteBuffer.wrap(tail, tail.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (len < 0 || len > packSize - 4) {
      throw ArcaException.integrity(what + " is damaged: its header length is out of range");
    }
    return len;
  }

  /**
   * Opens the sealed header at {@code buf[off..off+len)} of a pack whose blobs end at {@code
   * dataEnd} (where the header starts) and checks every entry against the format's limits and that
   * end.
   */
  public static List<Entry> readHeader(
      byte[] buf, int off, int len, long dataEnd, BlobCipher cipher, String what) {
    byte[] plain = cipher.open(buf, off, len, what + " header");
    ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
    if (plain.length < 4) {
      throw ArcaException.integrity(what + " is damaged: its header has the wrong size");
    }
    int n = b.getInt();
    if (n < 0 || plain.length != 4 + (long) n * ENTRY) {
      throw ArcaException.integrity(what + " is damaged: its header has the wrong size");
    }
    List<Entry> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte code = b.get();
      if (code != BlobType.DATA.code() && code != BlobType.TREE.code()) {
        throw ArcaException.integrity(what + " is damaged: a blob of unknown type " + code);
      }
      BlobType type = BlobType.of(code);
      byte codec = b.get();
      byte[] id = new byte[32];
      b.get(id);
      Entry e = new Entry(type, codec, id, b.getInt(), b.getInt(), b.getInt());
      IndexFile.checkEntry(type, e.offset(), e.length(), e.rawLength(), what + " header");
      if ((long) e.offset() + e.length() > dataEnd) {
        throw ArcaException.integrity(what + " is damaged: a blob runs past its end");
      }
      out.add(e);
    }
    return out;
  }
}
