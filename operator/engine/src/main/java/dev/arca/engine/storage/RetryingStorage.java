package dev.arca.engine.storage;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries what a store failed to do for a transient reason: an {@link IOException} other than a
 * missing or existing object, or a range read that came back short. Backoff is exponential with
 * full jitter. A create whose first attempt reached the store before failing finds its own object
 * on the next attempt: that counts as success when the bytes are the same.
 */
public final class RetryingStorage implements Storage {
  private final Storage inner;
  private final int attempts;
  private final long baseDelayMs;

  public RetryingStorage(Storage inner, int attempts, long baseDelayMs) {
    this.inner = inner;
    this.attempts = attempts;
    this.baseDelayMs = baseDelayMs;
  }

  /** Four attempts, from 100 ms apart. */
  public static Storage wrap(Storage inner) {
    return inner instanceof RetryingStorage ? inner : new RetryingStorage(inner, 4, 100);
  }

  private interface Op<T> {
    T run() throws IOException;
  }

  private <T> T retry(Op<T> op) throws IOException {
    IOException last = null;
    for (int i = 0; i < attempts; i++) {
      if (i > 0) {
        pause(i);
      }
      try {
        return op.run();
      } catch (ObjectMissingException | ObjectExistsException e) {
        throw e;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    boolean[] tried = {false};
    retry(
        () -> {
          boolean again = tried[0];
          tried[0] = true;
          if (again && inner.size(key) == length) {
            byte[] there = inner.read(key);
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
  public int removeLeftovers(java.time.Instant olderThan) throws IOException {
    return retry(() -> inner.removeLeftovers(olderThan));
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

  private void pause(int attempt) throws IOException {
    long cap = baseDelayMs << Math.min(attempt - 1, 10);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
