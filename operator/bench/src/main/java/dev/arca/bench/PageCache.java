package dev.arca.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Empties the kernel's page cache before each timed step, so that every tool reads its input from
 * disk rather than from whatever the previous tool or step left in memory: {@code sync}, then
 * {@code 3} written to {@code /proc/sys/vm/drop_caches} (clean page cache, dentries and inodes).
 * That needs root and a writable {@code /proc}; without them only {@code sync} runs, and {@link
 * #describe()} says why the cache stayed warm.
 */
final class PageCache {
  static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

  /** Why the cache cannot be dropped, or null when it can. */
  private final String problem;

  private PageCache(String problem) {
    this.problem = problem;
  }

  /** Tries to drop the cache once and remembers whether that worked. */
  static PageCache probe() throws IOException, InterruptedException {
    return new PageCache(tryDrop(DROP_CACHES));
  }

  /** Null when {@code control} took the {@code 3}, else why not. */
  static String tryDrop(Path control) throws IOException, InterruptedException {
    sync();
    if (!Files.exists(control)) {
      return control + " does not exist (not Linux, or no /proc)";
    }
    try {
      Files.writeString(control, "3\n");
      return null;
    } catch (IOException | SecurityException e) {
      return control
          + " is not writable ("
          + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage())
          + "); dropping the cache needs root and a writable /proc";
    }
  }

  /** Whether the cache is dropped before each step. */
  boolean drops() {
    return problem == null;
  }

  /** Before a timed step: sync, then drop the cache when that is possible. */
  void beforeStep() throws IOException, InterruptedException {
    sync();
    if (problem == null) {
      Files.writeString(DROP_CACHES, "3\n");
    }
  }

  /** What was done, for the report. */
  String describe() {
    return problem == null
        ? "dropped before each timed step (`sync`, then `3` written to `"
            + DROP_CACHES
            + "`): every step reads its input from disk"
        : "not dropped: "
            + problem
            + ". Only `sync` ran before each step, so a step may read what an earlier step left"
            + " in the cache";
  }

  /** Flushes dirty pages so that one step's write-back does not land on the next. */
  static void sync() throws IOException, InterruptedException {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
  }
}
