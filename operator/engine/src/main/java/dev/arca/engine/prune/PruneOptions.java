package dev.arca.engine.prune;

import dev.arca.engine.ArcaException;
import java.time.Clock;
import java.time.Duration;

/**
 * Options of {@link Prune}.
 *
 * @param dryRun report what would happen and change nothing
 * @param maxUnusedPercent unused bytes left in partly used packs, as a percentage of the used
 *     bytes, before prune repacks them
 * @param grace how long unneeded packs stay after they are marked, and how old a pack must be
 *     before it is marked; zero deletes at once and is safe only when no backup is running
 * @param clock the time source (tests move it forward)
 */
public record PruneOptions(boolean dryRun, double maxUnusedPercent, Duration grace, Clock clock) {
  /**
   * How far apart the clocks of prune's and the backups' hosts may be: a mark made up to this long
   * before a live writer session started still counts as possibly unseen by it. A quarter of the
   * grace period, at most 5 minutes.
   */
  public Duration clockMargin() {
    Duration quarter = grace.dividedBy(4);
    return quarter.compareTo(Duration.ofMinutes(5)) < 0 ? quarter : Duration.ofMinutes(5);
  }

  /** The default grace period. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(24);

  public PruneOptions {
    if (maxUnusedPercent < 0 || maxUnusedPercent > 100) {
      throw ArcaException.usage("--max-unused must be a percentage from 0 to 100");
    }
    if (grace.isNegative()) {
      throw ArcaException.usage("--grace must not be negative");
    }
  }

  public static PruneOptions defaults() {
    return new PruneOptions(false, 5, DEFAULT_GRACE, Clock.systemUTC());
  }

  public PruneOptions withDryRun(boolean d) {
    return new PruneOptions(d, maxUnusedPercent, grace, clock);
  }

  public PruneOptions withMaxUnused(double pct) {
    return new PruneOptions(dryRun, pct, grace, clock);
  }

  public PruneOptions withGrace(Duration g) {
    return new PruneOptions(dryRun, maxUnusedPercent, g, clock);
  }

  public PruneOptions withClock(Clock c) {
    return new PruneOptions(dryRun, maxUnusedPercent, grace, c);
  }
}
