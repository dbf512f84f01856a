package dev.arca.engine.fs;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reused byte arrays for chunks and packs (backup) and decoded chunks (restore), in power-of-two
 * sizes from 64 KiB. A backup reads gigabytes through buffers of a few MiB; allocating each afresh
 * makes the garbage collector copy and scan them and lets the heap grow to its limit. With the
 * arrays reused, a backup runs in a small heap at full speed. Arrays given back beyond {@code
 * maxIdleBytes} are left to the collector. Thread-safe.
 */
public final class BufferPool {
  private static final int MIN_SHIFT = 16;
  private static final int MAX_SHIFT = 30;

  @SuppressWarnings("unchecked")
  private final ConcurrentLinkedDeque<byte[]>[] classes =
      new ConcurrentLinkedDeque[MAX_SHIFT - MIN_SHIFT + 1];

  private final AtomicLong idle = new AtomicLong();
  private final long maxIdleBytes;

  /** A pool that keeps at most {@code maxIdleBytes} of idle arrays. */
  public BufferPool(long maxIdleBytes) {
    this.maxIdleBytes = maxIdleBytes;
    for (int i = 0; i < classes.length; i++) {
      classes[i] = new ConcurrentLinkedDeque<>();
    }
  }

  /** The size of the array {@link #take} gives for {@code len} bytes. */
  public static int capacity(int len) {
    int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(len, 1) - 1));
    if (shift > MAX_SHIFT) {
      throw new IllegalArgumentException("buffer of " + len + " bytes is too large");
    }
    return 1 << shift;
  }

  /**
   * An array of at least {@code len} bytes: an idle one of {@link #capacity} or up to four times
   * that, else a new one of {@link #capacity}. Its content is stale.
   */
  public byte[] take(int len) {
    int cap = capacity(len);
    int first = Integer.numberOfTrailingZeros(cap) - MIN_SHIFT;
    for (int c = first; c < Math.min(classes.length, first + 3); c++) {
      byte[] b = classes[c].pollFirst();
      if (b != null) {
        idle.addAndGet(-b.length);
        return b;
      }
    }
    return new byte[cap];
  }

  /** Gives an array from {@link #take} back for reuse. */
  public void give(byte[] b) {
    int cap = b.length;
    if (Integer.bitCount(cap) != 1 || cap < 1 << MIN_SHIFT || cap > 1 << MAX_SHIFT) {
      return; // not one of ours
    }
    if (idle.addAndGet(cap) > maxIdleBytes) {
      idle.addAndGet(-cap);
      return;
    }
    classes[Integer.numberOfTrailingZeros(cap) - MIN_SHIFT].offerFirst(b);
  }
}
