package dev.arca.engine.storage;

import java.io.IOException;
import java.util.Objects;

/**
 * A range of an object read in pieces with {@link Storage#read(String, long, int, byte[])}: what
 * {@link Storage#openRange} gives for stores that do not stream a range themselves. Every piece is
 * checked by the store's own range read, so a range past the object's end fails with {@link
 * ObjectMissingException} at the piece that crosses it.
 */
final class RangeStream extends BulkInputStream {
  /** The largest piece read with one call. */
  static final int PIECE = 4 << 20;

  private final Storage store;
  private final String key;
  private final long end;
  private long pos;
  private byte[] piece;

  RangeStream(Storage store, String key, long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("range " + offset + "+" + length + " of " + key);
    }
    this.store = store;
    this.key = key;
    this.pos = offset;
    this.end = offset + length;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (pos >= end) {
      return -1;
    }
    int n = (int) Math.min(Math.min(len, PIECE), end - pos);
    if (off == 0) {
      store.read(key, pos, n, b); // straight into the caller's array
    } else {
      if (piece == null || piece.length < n) {
        piece = new byte[n];
      }
      store.read(key, pos, n, piece);
      System.arraycopy(piece, 0, b, off, n);
    }
    pos += n;
    return n;
  }

  @Override
  public long skip(long n) {
    long s = Math.max(0, Math.min(n, end - pos));
    pos += s;
    return s;
  }

  @Override
  public int available() {
    return 0;
  }
}
