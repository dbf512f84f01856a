package dev.arca.engine.backup;

import dev.arca.engine.fs.RawPaths;
import dev.arca.engine.fs.SourceStat;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A source folder's entries in name order: their exact names, the paths the listing gave (which
 * keep the names' bytes, so an entry is read by the name it has even when that is not valid UTF-8),
 * and what lstat said of each.
 *
 * @param names the names, as {@link dev.arca.engine.format.FileName} strings, sorted
 * @param paths the entries' paths, in the same order
 * @param stats each entry's {@link SourceStat}, or the {@link IOException} lstat threw
 */
record Listing(List<String> names, List<Path> paths, List<Object> stats) {
  /** Folders with more entries than this have their entries stat'ed on several threads. */
  static final int PARALLEL_FROM = 2 * SlicedWork.SLICE;

  /** Helpers that stat a large folder's entries beside the thread listing it. */
  static final int HELPERS = 3;

  /**
   * Lists and stats the entries of {@code dir}; a large folder's entries are stat'ed with the help
   * of {@code helpers}.
   */
  static Listing of(Path dir, Executor helpers) throws IOException {
    List<Map.Entry<String, Path>> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path c : ds) {
        entries.add(new SimpleImmutableEntry<>(RawPaths.name(c), c));
      }
    }
    entries.sort(Map.Entry.comparingByKey());
    List<String> names = new ArrayList<>(entries.size());
    List<Path> paths = new ArrayList<>(entries.size());
    for (Map.Entry<String, Path> e : entries) {
      names.add(e.getKey());
      paths.add(e.getValue());
    }
    Object[] stats = new Object[paths.size()];
    if (stats.length < PARALLEL_FROM) {
      for (int i = 0; i < stats.length; i++) {
        stats[i] = stat(paths.get(i));
      }
    } else {
      try {
        SlicedWork.run(stats.length, HELPERS, helpers, i -> stats[i] = stat(paths.get(i)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading folder " + dir);
      }
    }
    return new Listing(names, paths, Arrays.asList(stats));
  }

  /** lstat of a path, or the exception it threw. */
  static Object stat(Path p) {
    try {
      return SourceStat.of(p);
    } catch (IOException e) {
      return e;
    }
  }
}
