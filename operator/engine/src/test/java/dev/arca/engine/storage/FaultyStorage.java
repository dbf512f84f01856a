package dev.arca.engine.storage;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A store that misbehaves on purpose, for tests: it fails operations (before or after doing them),
 * adds latency, and cuts range reads short, at the given rates. {@link #breakDown} makes every
 * operation fail until {@link #recover}; {@link #failNext} the next few, in a given way.
 */
public final class FaultyStorage implements Storage {
  private final Storage inner;
  private final double errorRate;
  private final double truncateRate;
  private final int maxLatencyMs;
  private final SplittableRandom random;
  private volatile boolean broken;
  private final java.util.concurrent.atomic.AtomicInteger failNext =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile java.util.function.Supplier<IOException> nextFailure;
  final java.util.concurrent.atomic.AtomicInteger injected =
      new java.util.concurrent.atomic.AtomicInteger();

  public FaultyStorage(
      Storage inner, double errorRate, double truncateRate, int maxLatencyMs, long seed) {
    this.inner = inner;
    this.errorRate = errorRate;
    this.truncateRate = truncateRate;
    this.maxLatencyMs = maxLatencyMs;
    this.random = new SplittableRandom(seed);
  }

  public void breakDown() {
    broken = true;
  }

  public void recover() {
    broken = false;
  }

  /**
   * Makes the next {@code n} operations fail with what {@code failure} makes, before doing them.
   */
  public void failNext(int n, java.util.function.Supplier<IOException> failure) {
    nextFailure = failure;
    failNext.set(n);
  }

  private synchronized double roll() {
    return random.nextDouble();
  }

  private void before(String what) throws IOException {
    if (maxLatencyMs > 0) {
      try {
        Thread.sleep((long) (roll() * maxLatencyMs));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    if (failNext.getAndDecrement() > 0) {
      injected.incrementAndGet();
      throw nextFailure.get();
    }
    if (broken || roll() < errorRate) {
      injected.incrementAndGet();
      throw new IOException("injected failure before " + what);
    }
  }

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    before("create " + key);
    inner.create(key, data, offset, length);
    if (roll() < errorRate / 2) {
      injected.incrementAndGet();
      throw new IOException("injected failure after create " + key + " (the object was stored)");
    }
  }

  @Override
  public byte[] read(String key) throws IOException {
    before("read " + key);
    return inner.read(key);
  }

  @Override
  public byte[] read(String key, long offset, int length) throws IOException {
    before("read " + key);
    byte[] b = inner.read(key, offset, length);
    if (length > 1 && roll() < truncateRate) {
      injected.incrementAndGet();
      return Arrays.copyOf(b, length / 2); // a body cut off mid-transfer
    }
    return b;
  }

  @Override
  public long size(String key) throws IOException {
    before("size " + key);
    return inner.size(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    before("list " + prefix);
    return inner.list(prefix);
  }

  @Override
  public boolean delete(String key) throws IOException {
    before("delete " + key);
    return inner.delete(key);
  }

  @Override
  public String describe() {
    return "faulty " + inner.describe();
  }
}
