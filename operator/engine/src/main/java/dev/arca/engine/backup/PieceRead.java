package dev.arca.engine.backup;

import dev.arca.engine.format.Shares;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.List;

/**
 * The byte ranges of a file cut into pieces, as one part reads them (FORMAT.md, "Parts"): where the
 * pieces start (the planned offsets, moved on to the next chunk end of a safetensors file so that
 * pieces cut the file where one backup would), a view of the file that ends where a piece ends, and
 * the rest of the file read by piece 0's part for the whole file's SHA-256.
 */
final class PieceRead {
  private PieceRead() {}

  /**
   * Where each piece starts, and the file's size last: the planned offsets of {@code cut}, each
   * moved on to the first of {@code chunkEnds} at or after it when the file has a safetensors
   * layout (null: none).
   */
  static long[] starts(List<Shares.Piece> cut, long size, long[] chunkEnds) {
    long[] starts = new long[cut.size() + 1];
    for (int i = 0; i < cut.size(); i++) {
      starts[i] = Math.min(cut.get(i).offset(), size);
    }
    starts[cut.size()] = size;
    if (chunkEnds != null) {
      int j = 0;
      for (int i = 1; i < cut.size(); i++) {
        while (j < chunkEnds.length && chunkEnds[j] < starts[i]) {
          j++;
        }
        starts[i] = j < chunkEnds.length ? Math.min(chunkEnds[j], size) : size;
      }
    }
    for (int i = 1; i <= cut.size(); i++) {
      starts[i] = Math.max(starts[i], starts[i - 1]); // never backwards: a piece may be empty
    }
    return starts;
  }

  /**
   * A channel over {@code ch} from its position that ends after {@code length} bytes, and feeds
   * what it reads to {@code tee} as well (null: none).
   */
  static ReadableByteChannel range(FileChannel ch, long length, MessageDigest tee) {
    return new ReadableByteChannel() {
      private long left = length;

      @Override
      public int read(ByteBuffer dst) throws IOException {
        if (left <= 0) {
          return -1;
        }
        ByteBuffer view = dst.slice();
        if (view.remaining() > left) {
          view.limit((int) left);
        }
        int n = ch.read(view);
        if (n > 0) {
          if (tee != null) {
            tee.update(view.flip());
          }
          dst.position(dst.position() + n);
          left -= n;
        }
        return n;
      }

      @Override
      public boolean isOpen() {
        return ch.isOpen();
      }

      @Override
      public void close() {}
    };
  }

  /**
   * Piece 0's part, once its piece is read: reads the rest of the file, from {@code starts[1]} to
   * its planned size, into {@code whole} and each piece's digest; {@code pieces[0]} is done. Each
   * read is told to {@code done} (progress: a long hash is no stall). Returns the bytes read (fewer
   * when the file shrank meanwhile).
   */
  static long hashRest(
      FileChannel ch,
      long[] starts,
      MessageDigest whole,
      MessageDigest[] pieces,
      byte[] buf,
      java.util.function.LongConsumer done)
      throws IOException {
    long pos = starts[1];
    ch.position(pos);
    long read = 0;
    for (int i = 1; i < pieces.length; i++) {
      long left = starts[i + 1] - starts[i];
      while (left > 0) {
        int want = (int) Math.min(buf.length, left);
        int n = dev.arca.engine.fs.Io.read(ch, buf, 0, want);
        whole.update(buf, 0, n);
        pieces[i].update(buf, 0, n);
        done.accept(n);
        read += n;
        left -= n;
        if (n < want) {
          return read; // shrank while read: the commit finds the pieces do not match
        }
      }
    }
    return read;
  }
}
