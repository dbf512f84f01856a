package dev.arca.engine.backup;

import dev.arca.engine.Progress;
import dev.arca.engine.checkpoint.CheckpointSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to back up and how.
 *
 * @param paths source files or folders; each becomes one entry of the snapshot's root, named by its
 *     base name
 * @param full re-read and re-hash every file instead of trusting unchanged metadata
 * @param host host name recorded in the snapshot and used to find the parent
 * @param tags tags recorded in the snapshot and used to find the parent
 * @param includes globs of paths to back up (none: everything)
 * @param excludes globs of paths to leave out
 * @param threads files read at once, and workers for chunks of large files
 * @param memoryBudget bytes of file content in flight at once (idle reusable arrays may add as much
 *     again); 0 for the default, which follows the threads and the Java heap (see {@link
 *     #defaultMemoryBudget})
 * @param progress progress receiver
 * @param streams commands whose output is stored as files of the snapshot (database dumps)
 * @param clock the time source of the snapshot's time and the writer session (tests move it)
 * @param checkpoints which folders are training checkpoints, stored only when complete and read
 *     without change ({@link CheckpointSpec#NONE}: none)
 * @param part which part of a parallel run this backup is (it writes a part object, not a
 *     snapshot), or null
 */
public record BackupOptions(
    List<Path> paths,
    boolean full,
    String host,
    Map<String, String> tags,
    List<String> includes,
    List<String> excludes,
    int threads,
    int memoryBudget,
    Progress progress,
    List<StreamSource> streams,
    java.time.Clock clock,
    CheckpointSpec checkpoints,
    PartSpec part) {

  public static BackupOptions of(Path... paths) {
    return new BackupOptions(
        List.of(paths),
        false,
        defaultHost(),
        Map.of(),
        List.of(),
        List.of(),
        defaultThreads(),
        0,
        Progress.NONE,
        List.of(),
        java.time.Clock.systemUTC(),
        CheckpointSpec.NONE,
        null);
  }

  public BackupOptions withFull(boolean f) {
    Edit e = new Edit(this);
    e.full = f;
    return e.done();
  }

  public BackupOptions withHost(String h) {
    Edit e = new Edit(this);
    e.host = h;
    return e.done();
  }

  public BackupOptions withTags(Map<String, String> t) {
    Edit e = new Edit(this);
    e.tags = Map.copyOf(t);
    return e.done();
  }

  public BackupOptions withFilters(List<String> inc, List<String> exc) {
    Edit e = new Edit(this);
    e.includes = inc;
    e.excludes = exc;
    return e.done();
  }

  public BackupOptions withThreads(int n) {
    Edit e = new Edit(this);
    e.threads = n;
    return e.done();
  }

  public BackupOptions withMemoryBudget(int bytes) {
    Edit e = new Edit(this);
    e.memoryBudget = bytes;
    return e.done();
  }

  public BackupOptions withProgress(Progress p) {
    Edit e = new Edit(this);
    e.progress = p;
    return e.done();
  }

  /** The same options with this time source. */
  public BackupOptions withClock(java.time.Clock c) {
    Edit e = new Edit(this);
    e.clock = c;
    return e.done();
  }

  /** The same options with these streams (none: files only). */
  public BackupOptions withStreams(List<StreamSource> s) {
    Edit e = new Edit(this);
    e.streams = List.copyOf(s);
    return e.done();
  }

  /** The same options with these checkpoint rules. */
  public BackupOptions withCheckpoints(CheckpointSpec c) {
    Edit e = new Edit(this);
    e.checkpoints = c;
    return e.done();
  }

  /** The same options as one part of a parallel run (null: a whole backup). */
  public BackupOptions withPart(PartSpec p) {
    Edit e = new Edit(this);
    e.part = p;
    return e.done();
  }

  /** A copy of some options to change one or two of them: what every {@code with} method does. */
  private static final class Edit {
    private final List<Path> paths;
    private boolean full;
    private String host;
    private Map<String, String> tags;
    private List<String> includes;
    private List<String> excludes;
    private int threads;
    private int memoryBudget;
    private Progress progress;
    private List<StreamSource> streams;
    private java.time.Clock clock;
    private CheckpointSpec checkpoints;
    private PartSpec part;

    Edit(BackupOptions o) {
      paths = o.paths;
      full = o.full;
      host = o.host;
      tags = o.tags;
      includes = o.includes;
      excludes = o.excludes;
      threads = o.threads;
      memoryBudget = o.memoryBudget; // as given: 0 stays "the default"
      progress = o.progress;
      streams = o.streams;
      clock = o.clock;
      checkpoints = o.checkpoints;
      part = o.part;
    }

    BackupOptions done() {
      return new BackupOptions(
          paths,
          full,
          host,
          tags,
          includes,
          excludes,
          threads,
          memoryBudget,
          progress,
          streams,
          clock,
          checkpoints,
          part);
    }
  }

  /** The bytes of file content in flight: as given, or the default for these threads. */
  @Override
  public int memoryBudget() {
    return memoryBudget > 0
        ? memoryBudget
        : defaultMemoryBudget(Runtime.getRuntime().maxMemory(), threads);
  }

  /**
   * What keeps every reading thread busy, 16 MiB each (a read window), within a sixth of the heap
   * and 32 to 128 MiB. More does not make a backup faster (two threads ran as fast with 32 MiB as
   * with 85 MiB) but it does raise the live set, and with it the heap the JVM keeps: a 512 MiB heap
   * on two cores now runs with 32 MiB of chunks in flight and two 16 MiB packs ({@link MemoryPlan})
   * where it ran with 85 MiB and three 32 MiB packs.
   */
  public static int defaultMemoryBudget(long maxHeap, int threads) {
    long perThreads = (long) threads * (16 << 20);
    return (int) Math.max(32L << 20, Math.min(Math.min(128L << 20, maxHeap / 6), perThreads));
  }

  public static int defaultThreads() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  public static String defaultHost() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        h = "localhost";
      }
    }
    return h;
  }
}
