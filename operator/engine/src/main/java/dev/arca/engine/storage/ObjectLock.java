package dev.arca.engine.storage;

import dev.arca.engine.ArcaException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Object Lock retention that Arca sets on what it writes (FORMAT.md "Object Lock"): every pack,
 * index object, snapshot object and audit record is written with a retain-until date {@code period}
 * after its write, in {@code mode}. In GOVERNANCE mode only a user with the bypass permission may
 * delete a locked version early; in COMPLIANCE mode nobody may, the bucket's owner included. Key
 * slots, {@code config} and the objects prune and backups must delete to work (marks, sessions,
 * parts, damage and erasure records) are never locked.
 *
 * @param mode GOVERNANCE or COMPLIANCE
 * @param period how long after its write an object stays locked
 */
public record ObjectLock(Mode mode, Duration period) {
  /** The environment variable that asks for it: {@code MODE:DAYS}, for example GOVERNANCE:30. */
  public static final String ENV = "ARCA_OBJECT_LOCK";

  /** The two retention modes of S3 Object Lock. */
  public enum Mode {
    GOVERNANCE,
    COMPLIANCE
  }

  /** The prefixes of the objects written under retention. */
  static final List<String> LOCKED = List.of("data/", "index/", "snapshots/", "audit/");

  /**
   * Where the key domains of a repository keep their objects (FORMAT.md "Key domains"): {@code
   * domains/<name>/} and then the same keys as a repository's root.
   */
  public static final String DOMAIN_PREFIX = "domains/";

  /** The clear record that a key domain was destroyed, {@code domains/<name>/destroyed}. */
  public static final String DESTROYED = "destroyed";

  /**
   * Whether the object {@code key} is written under retention: the kinds above, at the root or in a
   * key domain, and a key domain's record of its destruction.
   */
  public static boolean lockable(String key) {
    String k = key;
    if (k.startsWith(DOMAIN_PREFIX)) {
      int slash = k.indexOf('/', DOMAIN_PREFIX.length());
      if (slash < 0) {
        return false;
      }
      k = k.substring(slash + 1);
      if (k.equals(DESTROYED)) {
        return true;
      }
    }
    return LOCKED.stream().anyMatch(k::startsWith);
  }

  /** When an object written at {@code now} is locked until. */
  public Instant until(Instant now) {
    return now.plus(period);
  }

  /**
   * {@code MODE:DAYS} (null or blank: none); anything else is a usage error naming {@link #ENV}.
   */
  public static ObjectLock parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return null;
    }
    String[] p = spec.trim().split(":", -1);
    try {
      if (p.length == 2) {
        Mode m = Mode.valueOf(p[0].trim().toUpperCase(Locale.ROOT));
        long days = Long.parseLong(p[1].trim());
        if (days >= 1 && days <= 36_500) {
          return new ObjectLock(m, Duration.ofDays(days));
        }
      }
    } catch (IllegalArgumentException e) {
      // below
    }
    throw ArcaException.usage(
        ENV
            + " '"
            + spec
            + "' must be MODE:DAYS, MODE GOVERNANCE or COMPLIANCE and DAYS from 1 to 36500,"
            + " for example GOVERNANCE:30");
  }
}
