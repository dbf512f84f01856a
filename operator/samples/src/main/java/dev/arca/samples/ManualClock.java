package dev.arca.samples;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that tests move by hand: it stands still until {@link #advance} or {@link #set}
 * moves it. Always UTC. Safe to read from other threads.
 */
public final class ManualClock extends Clock {
  private volatile Instant now;

  /** A clock that reads {@code start}. */
  public ManualClock(Instant start) {
    this.now = start;
  }

  /** A clock that reads the current time, and then stands still. */
  public ManualClock() {
    this(Instant.now());
  }

  /** Moves the clock forward by {@code d} (backward if negative). */
  public void advance(Duration d) {
    now = now.plus(d);
  }

  /** Sets the clock to {@code instant}. */
  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
