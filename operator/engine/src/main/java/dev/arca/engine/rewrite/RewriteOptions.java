package dev.arca.engine.rewrite;

import dev.arca.engine.Progress;
import dev.arca.engine.repo.SnapshotFilter;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * What {@code arca rewrite} is asked to do.
 *
 * @param snapshots the snapshots to rewrite (ids, unique prefixes, {@code latest}); empty: every
 *     snapshot {@code filter} selects
 * @param filter the owner selection ({@code --host}, {@code --tag}): snapshots outside it are
 *     refused by id and not chosen otherwise
 * @param excludes globs of the paths to remove, as {@code backup --exclude} takes them
 * @param filters the files to rewrite through a filter, at most one per path
 * @param dryRun only report what would change (filters are not run)
 * @param keepOriginals keep the original snapshots beside their rewrites
 * @param host the writer's host, for its session
 * @param threads workers that compress and seal chunks
 * @param clock the time of the commit checks and records
 * @param progress where progress goes
 * @param warn where warnings go
 */
public record RewriteOptions(
    List<String> snapshots,
    SnapshotFilter filter,
    List<String> excludes,
    List<ContentFilter> filters,
    boolean dryRun,
    boolean keepOriginals,
    String host,
    int threads,
    Clock clock,
    Progress progress,
    Consumer<String> warn) {}
