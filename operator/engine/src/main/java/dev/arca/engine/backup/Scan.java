package dev.arca.engine.backup;

import dev.arca.engine.Progress;
import dev.arca.engine.fs.PathFilter;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Counts the files and bytes a backup will cover, on a background thread, so progress can show a
 * percentage. Metadata only; it follows the same include and exclude rules as the backup and gives
 * up quietly on anything it cannot read.
 */
final class Scan {
  private Scan() {}

  static Thread start(List<Path> paths, List<String> names, PathFilter filter, Progress progress) {
    Thread t =
        new Thread(
            () -> {
              long[] totals = new long[2];
              for (int i = 0; i < paths.size(); i++) {
                walk(paths.get(i), names.get(i), filter, totals);
              }
              progress.total(totals[0], totals[1]);
            },
            "arca-scan");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void walk(Path root, String rootName, PathFilter filter, long[] totals) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
              String rel = rel(root, rootName, dir);
              return !dir.equals(root) && filter.excluded(rel)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
              String rel = rel(root, rootName, file);
              if (a.isRegularFile() && !filter.excluded(rel) && filter.included(rel)) {
                totals[0]++;
                totals[1] += a.size();
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // a partial count is still a useful estimate
    }
  }

  private static String rel(Path root, String rootName, Path p) {
    String r = root.relativize(p).toString();
    return r.isEmpty() ? rootName : rootName + "/" + r;
  }
}
