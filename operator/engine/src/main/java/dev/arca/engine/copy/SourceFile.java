package dev.arca.engine.copy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.chunk.SafetensorsHeader;
import dev.arca.engine.export.ChunkReader;
import dev.arca.engine.format.Limits;
import dev.arca.engine.storage.ObjectMissingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * One file of the source snapshot as a channel: its chunks fetched, decrypted and checked a few
 * ahead ({@link ChunkReader}), read once from the start. Reads by position are served from the
 * file's first bytes, kept while asked for (a safetensors header: at most its 100 MiB limit and the
 * chunk that ends it), and the sequential read then begins with them. Whatever goes wrong reading
 * the source is a {@link SourceProblem}, so the copy tells the source's damage from the target's
 * failures.
 */
final class SourceFile implements ReadableByteChannel, SafetensorsHeader.At {
  /** Bytes kept for reads by position: a safetensors header's length field and its limit. */
  private static final long HEAD_LIMIT = 8 + SafetensorsHeader.MAX_HEADER;

  /** What went wrong reading the source; {@code damage} when the source's bytes are at fault. */
  static final class SourceProblem extends IOException {
    final boolean damage;

    SourceProblem(String message, boolean damage, Throwable cause) {
      super(message, cause);
      this.damage = damage;
    }
  }

  private final ChunkReader chunks;
  private byte[] head = new byte[0];
  private int headLength;
  private boolean sequential;
  private int headServed;
  private byte[] current;
  private int currentPos;
  private boolean open = true;

  SourceFile(ChunkReader chunks) {
    this.chunks = chunks;
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    if (sequential) {
      throw new IllegalStateException("reads by position come before the sequential read");
    }
    long want = position + dst.remaining();
    while (headLength < want && headLength < HEAD_LIMIT) {
      byte[] c = nextChunk();
      if (c == null) {
        break;
      }
      if (head.length < headLength + c.length) {
        // doubling, but never past what the header's limit and the chunk that ends it can need
        long grown = Math.min((long) head.length * 2, HEAD_LIMIT + Limits.MAX_DATA_BLOB);
        head = Arrays.copyOf(head, (int) Math.max(headLength + c.length, grown));
      }
      System.arraycopy(c, 0, head, headLength, c.length);
      headLength += c.length;
    }
    if (position >= headLength) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), headLength - position);
    dst.put(head, (int) position, n);
    return n;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    sequential = true;
    if (headServed < headLength) {
      int n = Math.min(dst.remaining(), headLength - headServed);
      dst.put(head, headServed, n);
      headServed += n;
      if (headServed == headLength) {
        head = null; // not needed any more
      }
      return n;
    }
    while (current == null || currentPos == current.length) {
      current = nextChunk();
      currentPos = 0;
      if (current == null) {
        return -1;
      }
    }
    int n = Math.min(dst.remaining(), current.length - currentPos);
    dst.put(current, currentPos, n);
    currentPos += n;
    return n;
  }

  private byte[] nextChunk() throws SourceProblem {
    try {
      return chunks.next();
    } catch (ObjectMissingException e) {
      throw new SourceProblem("a pack it needs is gone or cut short: " + e.getMessage(), true, e);
    } catch (ArcaException e) {
      throw new SourceProblem(e.getMessage(), e.kind() == ArcaException.Kind.INTEGRITY, e);
    } catch (IOException e) {
      throw new SourceProblem("cannot be read from the source: " + e.getMessage(), false, e);
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    chunks.close();
  }
}
