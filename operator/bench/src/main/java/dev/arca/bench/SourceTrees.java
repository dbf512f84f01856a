package dev.arca.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real set's many small files: unpacked source distributions (as {@code .ci/bench-data.sh
 * sources} leaves them in the tools cache), copied into {@code data/} in a fixed order until a
 * budget is used, with their names, sizes and contents as they are.
 */
final class SourceTrees {
  private SourceTrees() {}

  /**
   * An unpacked source distribution.
   *
   * @param name the project
   * @param version its release
   * @param url where its archive came from
   * @param dir the unpacked tree (its folder name is {@code NAME-VERSION})
   */
  record Source(String name, String version, String url, Path dir) {
    /** A tree {@code dir} named {@code NAME-VERSION}, downloaded from {@code url}. */
    static Source of(Path dir, String url) {
      String folder = dir.getFileName().toString();
      int dash = folder.lastIndexOf('-');
      if (dash <= 0) {
        throw new IllegalArgumentException("not NAME-VERSION: " + folder);
      }
      return new Source(folder.substring(0, dash), folder.substring(dash + 1), url, dir);
    }
  }

  /**
   * What was copied of a source.
   *
   * @param source the source
   * @param files files copied
   * @param bytes their size
   * @param whole whether every file of the tree was copied
   */
  record Copied(Source source, int files, long bytes, boolean whole) {}

  /**
   * Copies the trees in order into {@code data/NAME-VERSION/}, each tree's files in name order,
   * until {@code budget} bytes are copied (the last tree may be partial). Symbolic links and other
   * special files are left out.
   */
  static List<Copied> copy(List<Source> sources, Path data, long budget) throws IOException {
    Files.createDirectories(data); // the one-folder restore needs it, even empty
    List<Copied> copied = new ArrayList<>();
    long total = 0;
    for (Source source : sources) {
      if (total >= budget) {
        break;
      }
      List<Path> files = regularFiles(source.dir());
      Path target = data.resolve(source.dir().getFileName().toString());
      int count = 0;
      long bytes = 0;
      for (Path file : files) {
        if (total >= budget) {
          break;
        }
        Path to = target.resolve(source.dir().relativize(file).toString());
        Files.createDirectories(to.getParent());
        Files.copy(file, to);
        long size = Files.size(to);
        bytes += size;
        total += size;
        count++;
      }
      copied.add(new Copied(source, count, bytes, count == files.size()));
    }
    return copied;
  }

  /** The regular files under {@code dir} (links not followed), sorted by relative path. */
  static List<Path> regularFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .sorted(Comparator.comparing(p -> dir.relativize(p).toString()))
          .toList();
    }
  }

  /** Sum of the sizes of the regular files of {@code sources}. */
  static long available(List<Source> sources) throws IOException {
    long total = 0;
    for (Source s : sources) {
      total += BackupTool.directorySize(s.dir());
    }
    return total;
  }
}
