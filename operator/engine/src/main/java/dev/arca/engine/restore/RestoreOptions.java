package dev.arca.engine.restore;

import dev.arca.engine.Progress;
import dev.arca.engine.repo.SnapshotFilter;
import java.nio.file.Path;
import java.util.List;

/**
 * What to restore and where.
 *
 * @param snapshot {@code latest}, a full id or a unique id prefix
 * @param before if set (RFC 3339), the newest snapshot at or before this time
 * @param target folder to restore into (created if missing)
 * @param includes globs of snapshot paths to restore (none: everything)
 * @param overwrite what to do with files that already exist in the target
 * @param threads ranges fetched and written at once
 * @param progress progress receiver
 * @param filter the snapshots {@code snapshot} and {@code before} may choose among
 */
public record RestoreOptions(
    String snapshot,
    String before,
    Path target,
    List<String> includes,
    Overwrite overwrite,
    int threads,
    Progress progress,
    SnapshotFilter filter) {

  /** Policy for entries that already exist in the target. */
  public enum Overwrite {
    /** Leave existing entries alone. */
    NEVER,
    /** Replace existing files unless their content (SHA-256) is already right. */
    IF_DIFFERENT,
    /** Always replace existing files. */
    ALWAYS;

    /** Parses {@code never|if-different|always}. */
    public static Overwrite parse(String s) {
      return switch (s) {
        case "never" -> NEVER;
        case "if-different" -> IF_DIFFERENT;
        case "always" -> ALWAYS;
        default ->
            throw dev.arca.engine.ArcaException.usage(
                "--overwrite must be never, if-different or always, not '" + s + "'");
      };
    }
  }

  public static RestoreOptions of(String snapshot, Path target) {
    return new RestoreOptions(
        snapshot,
        null,
        target,
        List.of(),
        Overwrite.IF_DIFFERENT,
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        Progress.NONE,
        SnapshotFilter.ANY);
  }

  public RestoreOptions withIncludes(List<String> inc) {
    return new RestoreOptions(snapshot, before, target, inc, overwrite, threads, progress, filter);
  }

  public RestoreOptions withOverwrite(Overwrite o) {
    return new RestoreOptions(snapshot, before, target, includes, o, threads, progress, filter);
  }

  public RestoreOptions withBefore(String b) {
    return new RestoreOptions(snapshot, b, target, includes, overwrite, threads, progress, filter);
  }

  public RestoreOptions withFilter(SnapshotFilter f) {
    return new RestoreOptions(snapshot, before, target, includes, overwrite, threads, progress, f);
  }

  public RestoreOptions withProgress(Progress p) {
    return new RestoreOptions(snapshot, before, target, includes, overwrite, threads, p, filter);
  }
}
