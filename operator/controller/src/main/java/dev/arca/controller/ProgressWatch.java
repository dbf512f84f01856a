package dev.arca.controller;

import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.api.v1alpha1.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a running Job still makes progress: each reading of its progress carries when its bytes
 * or files done last grew ({@link Progress#advancedAt}), and a run that stays put for longer than
 * its stall timeout is given up (a hung network file system, an object store that stopped
 * answering) instead of showing as active for ever. Before its first progress report the clock runs
 * from when its container started. Backups and restores are watched (they report progress).
 */
public final class ProgressWatch {
  /** How long a run may go without progress when its spec does not say. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(30);

  private ProgressWatch() {}

  /**
   * A running Job's progress after one look: its newest report merged into what was known, and the
   * Job's outcome, given up ({@link Reasons#PROGRESS_STALLED}, its Job deleted) when it stood still
   * for its stall timeout.
   */
  public record Watched(Progress progress, JobOutcome outcome) {}

  /**
   * Reads the progress of {@code job}, whose pod runs ({@code o}), into {@code known}; gives the
   * Job up when it made none for the stall timeout of {@code overrides}.
   */
  public static Watched watch(
      io.fabric8.kubernetes.client.KubernetesClient client,
      io.fabric8.kubernetes.api.model.batch.v1.Job job,
      JobOutcome o,
      Progress known,
      JobOverrides overrides,
      Instant now) {
    Progress progress = known;
    Progress read = ProgressReader.read(client, o.pod().pod(), now);
    if (read != null) {
      progress = advance(known, read, now);
    }
    String stalled = stalled(progress, o.pod().started(), now, timeout(overrides));
    return new Watched(
        progress,
        stalled == null ? o : JobOutcome.giveUp(client, job, Reasons.PROGRESS_STALLED, stalled));
  }

  /** The stall timeout of {@code job} ({@code stallTimeoutSeconds}). */
  public static Duration timeout(JobOverrides job) {
    return job == null || job.stallTimeoutSeconds == null
        ? DEFAULT_STALL_TIMEOUT
        : Duration.ofSeconds(job.stallTimeoutSeconds);
  }

  /**
   * {@code read}, the progress read now, with {@code advancedAt} set to now when it grew since
   * {@code previous} (or there was none), else carried over.
   */
  public static Progress advance(Progress previous, Progress read, Instant now) {
    boolean grew =
        previous == null
            || parse(previous.advancedAt) == null
            || more(read.bytesDone, previous.bytesDone)
            || more(read.filesDone, previous.filesDone);
    read.advancedAt = grew ? now.toString() : previous.advancedAt;
    return read;
  }

  /**
   * Why a run with {@code progress} counts as stalled at {@code now}, or null: its progress has not
   * grown for {@code timeout}; or, before its first progress report, its container started (at
   * {@code started}) longer than {@code timeout} ago (a repository that accepts connections and
   * never answers holds the run before it reports anything).
   */
  public static String stalled(Progress progress, Instant started, Instant now, Duration timeout) {
    Instant since = progress == null ? started : parse(progress.advancedAt);
    if (since == null) {
      return null;
    }
    Duration still = Duration.between(since, now);
    if (still.compareTo(timeout) < 0) {
      return null;
    }
    String where =
        progress == null
            ? "since its container started, before its first progress report"
            : "at "
                + Objects.requireNonNullElse(progress.bytesDone, 0L)
                + " bytes, "
                + Objects.requireNonNullElse(progress.filesDone, 0L)
                + " files";
    return "no progress for "
        + still.toSeconds()
        + " s ("
        + where
        + "; stallTimeoutSeconds is "
        + timeout.toSeconds()
        + "): the source or the repository stopped answering";
  }

  /**
   * {@code advancedAt} as an instant, or null when absent or not a time: the status is writable by
   * others than the operator, and a garbled value restarts the watch rather than failing reconcile.
   */
  private static Instant parse(String advancedAt) {
    try {
      return advancedAt == null ? null : Instant.parse(advancedAt);
    } catch (java.time.format.DateTimeParseException garbled) {
      return null;
    }
  }

  private static boolean more(Long now, Long before) {
    return now != null && (before == null || now > before);
  }
}
