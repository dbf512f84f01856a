package dev.arca.engine.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Channel reads and writes of heap arrays in slices of at most {@link #SLICE} bytes. The JDK copies
 * heap buffers through a temporary native buffer as large as each call and keeps one per thread, so
 * whole-pack or whole-window calls would pin tens of MiB of native memory per thread.
 */
public final class Io {
  public static final int SLICE = 1 << 20;

  private Io() {}

  /** Writes {@code b[off..off+len)} at the channel's position. */
  public static void write(FileChannel ch, byte[] b, int off, int len) throws IOException {
    for (int p = off; p < off + len; ) {
      p += ch.write(ByteBuffer.wrap(b, p, Math.min(SLICE, off + len - p)));
    }
  }

  /** Writes {@code b[off..off+len)} at file position {@code pos}. */
  public static void write(FileChannel ch, byte[] b, int off, int len, long pos)
      throws IOException {
    for (int p = off; p < off + len; ) {
      int n = ch.write(ByteBuffer.wrap(b, p, Math.min(SLICE, off + len - p)), pos + (p - off));
      p += n;
    }
  }

  /** Reads up to {@code len} bytes at the channel's position; fewer only at end of file. */
  public static int read(java.nio.channels.ReadableByteChannel ch, byte[] b, int off, int len)
      throws IOException {
    int p = off;
    while (p < off + len) {
      int n = ch.read(ByteBuffer.wrap(b, p, Math.min(SLICE, off + len - p)));
      if (n < 0) {
        break;
      }
      p += n;
    }
    return p - off;
  }

  /** Reads up to {@code len} bytes at file position {@code pos}; fewer only at end of file. */
  public static int read(FileChannel ch, byte[] b, int off, int len, long pos) throws IOException {
    int p = off;
    while (p < off + len) {
      int n = ch.read(ByteBuffer.wrap(b, p, Math.min(SLICE, off + len - p)), pos + (p - off));
      if (n < 0) {
        break;
      }
      p += n;
    }
    return p - off;
  }
}
