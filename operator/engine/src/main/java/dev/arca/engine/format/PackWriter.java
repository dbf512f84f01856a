package dev.arca.engine.format;

import dev.arca.engine.crypto.BlobCipher;
import dev.arca.engine.crypto.ChunkIds;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds one pack in memory. Not thread-safe; callers serialise access. */
public final class PackWriter {
  private byte[] buf;
  private int size;
  private final List<Packs.Entry> entries = new ArrayList<>();

  public PackWriter(int initialCapacity) {
    this(new byte[initialCapacity]);
  }

  /** A writer that builds the pack in {@code buffer} (grown by copying if it must). */
  public PackWriter(byte[] buffer) {
    buf = buffer;
  }

  /** A finished pack: its id, bytes and entries. */
  public record Finished(byte[] id, byte[] bytes, int length, List<Packs.Entry> entries) {
    public String key() {
      return Packs.key(id);
    }
  }

  public int size() {
    return size;
  }

  public int blobCount() {
    return entries.size();
  }

  /** Appends one already sealed blob. */
  public void add(
      BlobType type, byte codec, byte[] id, byte[] sealed, int sealedLength, int rawLength) {
    ensure(sealedLength);
    System.arraycopy(sealed, 0, buf, size, sealedLength);
    entries.add(new Packs.Entry(type, codec, id, size, sealedLength, rawLength));
    size += sealedLength;
  }

  /** Seals the header and names the pack. The writer must not be used afterwards. */
  public Finished finish(BlobCipher cipher) {
    byte[] header = cipher.seal(Packs.encodeHeader(entries));
    ensure(header.length + 4);
    System.arraycopy(header, 0, buf, size, header.length);
    size += header.length;
    ByteBuffer.wrap(buf, size, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(header.length);
    size += 4;
    var md = ChunkIds.sha256();
    md.update(buf, 0, size);
    return new Finished(md.digest(), buf, size, List.copyOf(entries));
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
