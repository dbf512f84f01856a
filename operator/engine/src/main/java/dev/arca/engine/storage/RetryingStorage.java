package dev.arca.engine.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries what a store failed to do for a transient reason: an {@link IOException} other than a
 * missing or existing object, or a range read that came back short. Backoff is exponential with
 * full jitter. A store that cannot be connected to at all ({@link StoreUnreachableException}) is
 * tried on a schedule of its own: a few attempts within about a second and a half while it has not
 * answered in this run, so a wrong endpoint or a server that is not running is reported within
 * seconds; about half a minute once it has (a restart). A create whose first attempt reached the
 * store before failing finds its own object on the next attempt: that counts as success when the
 * bytes are the same.
 */
public final class RetryingStorage implements Storage {
  private final Storage inner;
  private final Backoff transientFailure;
  private final Backoff neverAnswered;
  private final Backoff answeredBefore;

  /**
   * How a kind of failure is tried: {@code attempts} in all, the pause before each next one
   * doubling from {@code firstPauseMs} up to {@code maxPauseMs}, each a random time between half
   * and all of that (full jitter).
   */
  record Backoff(int attempts, long firstPauseMs, long maxPauseMs) {
    /** The longest pause before attempt {@code attempt} (2 or more). */
    long maxPauseBefore(int attempt) {
      return Math.min(maxPauseMs, firstPauseMs << Math.min(attempt - 2, 20));
    }

    /** The longest time all pauses add up to. */
    long maxTotalPauseMs() {
      long sum = 0;
      for (int a = 2; a <= attempts; a++) {
        sum += maxPauseBefore(a);
      }
      return sum;
    }
  }

  /**
   * {@code attempts} at a transient failure, pauses doubling from {@code baseDelayMs}; an
   * unreachable store 3 times, pauses from 5 to 10 times {@code baseDelayMs}, or once it has
   * answered 7 times, pauses from 10 to 80 times {@code baseDelayMs}.
   */
  public RetryingStorage(Storage inner, int attempts, long baseDelayMs) {
    this.inner = inner;
    this.transientFailure = new Backoff(attempts, baseDelayMs, baseDelayMs << 10);
    this.neverAnswered = new Backoff(3, 5 * baseDelayMs, 10 * baseDelayMs);
    this.answeredBefore = new Backoff(7, 10 * baseDelayMs, 80 * baseDelayMs);
  }

  /**
   * Four attempts, from 100 ms apart; an unreachable store 3 attempts with at most 1.5 s of pauses,
   * or 7 attempts with at most 31 s once it has answered.
   */
  public static Storage wrap(Storage inner) {
    return inner instanceof RetryingStorage ? inner : new RetryingStorage(inner, 4, 100);
  }

  private interface Op<T> {
    T run() throws IOException;
  }

  private <T> T retry(Op<T> op) throws IOException {
    long start = System.nanoTime();
    int tries = 0;
    int unreachable = 0;
    while (true) {
      try {
        return op.run();
      } catch (ObjectMissingException | ObjectExistsException e) {
        throw e;
      } catch (StoreUnreachableException e) {
        unreachable++;
        Backoff b = e.answeredBefore() ? answeredBefore : neverAnswered;
        if (unreachable >= b.attempts()) {
          throw gaveUp(e, unreachable, start);
        }
        pause(b.maxPauseBefore(unreachable + 1));
      } catch (IOException e) {
        tries++;
        if (tries >= transientFailure.attempts()) {
          throw e;
        }
        pause(transientFailure.maxPauseBefore(tries + 1));
      }
    }
  }

  /** The last failure to connect, saying how often and for how long the store was tried. */
  private static StoreUnreachableException gaveUp(
      StoreUnreachableException last, int attempts, long startNanos) {
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    return new StoreUnreachableException(
        last.getMessage() + String.format(" (%d attempts in %.1f s)", attempts, ms / 1000.0),
        last.answeredBefore(),
        last);
  }

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    boolean[] tried = {false};
    retry(
        () -> {
          boolean again = tried[0];
          tried[0] = true;
          if (again && inner.size(key) == length) {
            byte[] there = inner.read(new ObjectInfo(key, length));
            if (Arrays.equals(there, 0, length, data, offset, offset + length)) {
              return null; // an earlier attempt stored it before failing
            }
          }
          inner.create(key, data, offset, length);
          return null;
        });
  }

  @Override
  public byte[] read(String key) throws IOException {
    return retry(() -> inner.read(key));
  }

  @Override
  public byte[] read(String key, long offset, int length) throws IOException {
    return retry(
        () -> {
          byte[] b = inner.read(key, offset, length);
          if (b.length != length) {
            throw new IOException(
                "short read of " + key + ": " + b.length + " of " + length + " bytes");
          }
          return b;
        });
  }

  @Override
  public void read(String key, long offset, int length, byte[] dest) throws IOException {
    retry(
        () -> {
          inner.read(key, offset, length, dest);
          return null;
        });
  }

  /**
   * The inner store's stream of the range, opened with retries; when it fails in the middle for a
   * transient reason, the rest of the range is opened again from where it stopped (as often as a
   * transient failure is tried), so the caller sees each byte once, in order.
   */
  @Override
  public InputStream openRange(String key, long offset, long length) throws IOException {
    return new Resuming(key, offset, length, retry(() -> inner.openRange(key, offset, length)));
  }

  @Override
  public int rangeReadSize() {
    return inner.rangeReadSize();
  }

  /** A range read that reopens the rest of the range after a transient failure. */
  private final class Resuming extends BulkInputStream {
    private final String key;
    private final long end;
    private long pos;
    private InputStream in;
    private int failures;

    Resuming(String key, long offset, long length, InputStream in) {
      this.key = key;
      this.pos = offset;
      this.end = offset + length;
      this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (true) {
        try {
          int n = in.read(b, off, len);
          if (n > 0) {
            pos += n;
          }
          return n;
        } catch (ObjectMissingException e) {
          throw e;
        } catch (IOException e) {
          failures++;
          if (failures >= transientFailure.attempts() || pos >= end) {
            throw e;
          }
          closeQuietly(in);
          pause(transientFailure.maxPauseBefore(failures + 1));
          long from = pos;
          in = retry(() -> inner.openRange(key, from, end - from));
        }
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the failed stream is replaced
    }
  }

  @Override
  public long size(String key) throws IOException {
    return retry(() -> inner.size(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return retry(() -> inner.list(prefix));
  }

  @Override
  public boolean delete(String key) throws IOException {
    return retry(() -> inner.delete(key));
  }

  @Override
  public void purge(String key) throws IOException {
    retry(
        () -> {
          inner.purge(key);
          return null;
        });
  }

  @Override
  public int removeLeftovers(java.time.Instant olderThan) throws IOException {
    return retry(() -> inner.removeLeftovers(olderThan));
  }

  @Override
  public java.time.Instant retainedUntil(String key) throws IOException {
    return retry(() -> inner.retainedUntil(key));
  }

  @Override
  public ObjectLock objectLock() {
    return inner.objectLock();
  }

  @Override
  public void extendRetention(String key, ObjectLock.Mode mode, java.time.Instant until)
      throws IOException {
    retry(
        () -> {
          inner.extendRetention(key, mode, until);
          return null;
        });
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }

  /** The wrapped store. */
  public Storage inner() {
    return inner;
  }

  private static void pause(long maxMs) throws IOException {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(maxMs / 2, maxMs + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
