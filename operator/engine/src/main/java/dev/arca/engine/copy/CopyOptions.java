package dev.arca.engine.copy;

import dev.arca.engine.Progress;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.SnapshotFilter;
import java.time.Clock;
import java.util.List;

/**
 * What a copy takes.
 *
 * @param snapshots the source snapshots to copy ({@code latest}, ids or unique id prefixes); empty
 *     for every snapshot {@code filter} selects
 * @param filter which source snapshots may be chosen
 * @param threads files read from the source at once, and workers that chunk and seal them
 * @param host the host named by the writer session in the target
 * @param clock the clock of the writer session
 * @param progress where progress and warnings go
 */
public record CopyOptions(
    List<String> snapshots,
    SnapshotFilter filter,
    int threads,
    String host,
    Clock clock,
    Progress progress) {

  public CopyOptions {
    snapshots = List.copyOf(snapshots);
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
  }

  /** Every snapshot {@code filter} selects, with the defaults of a backup. */
  public static CopyOptions all(SnapshotFilter filter, Progress progress) {
    return new CopyOptions(
        List.of(),
        filter,
        BackupOptions.defaultThreads(),
        BackupOptions.defaultHost(),
        Clock.systemUTC(),
        progress);
  }

  /** These options for {@code ids} only. */
  public CopyOptions only(List<String> ids) {
    return new CopyOptions(ids, filter, threads, host, clock, progress);
  }
}
