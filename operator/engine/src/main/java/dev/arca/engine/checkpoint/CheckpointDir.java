package dev.arca.engine.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint folder as the rules see it: its path, and the safetensors files and shard indexes in
 * it and its sub-folders (regular files only; links are not followed).
 *
 * @param path the folder
 * @param safetensors its {@code *.safetensors} files, in the order found
 * @param indexes its {@code *.safetensors.index.json} files
 */
record CheckpointDir(Path path, List<Path> safetensors, List<Path> indexes) {
  static final String SHARD = ".safetensors";
  static final String INDEX = ".safetensors.index.json";

  /** Lists the files of {@code folder} the structural rules check. */
  static CheckpointDir scan(Path folder) throws IOException {
    List<Path> shards = new ArrayList<>();
    List<Path> indexes = new ArrayList<>();
    Files.walkFileTree(
        folder,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
            String name = f.getFileName().toString();
            if (a.isRegularFile() && name.endsWith(SHARD)) {
              shards.add(f);
            } else if (a.isRegularFile() && name.endsWith(INDEX)) {
              indexes.add(f);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return new CheckpointDir(folder, shards, indexes);
  }

  /** The folder's name. */
  String name() {
    return path.getFileName().toString();
  }

  /** {@code file} as named in a reason: relative to the folder. */
  String shown(Path file) {
    return path.relativize(file).toString();
  }

  /** A check of one file: why it fails, or null. */
  interface FileCheck {
    String problem(Path file) throws IOException;
  }

  /**
   * The first of {@code files} that fails {@code check}, named relative to the folder and followed
   * by {@code separator} and the reason; null when all pass.
   */
  String firstProblem(List<Path> files, String separator, FileCheck check) throws IOException {
    for (Path f : files) {
      String p = check.problem(f);
      if (p != null) {
        return shown(f) + separator + p;
      }
    }
    return null;
  }

  /** Whether a regular file (not a link) is at {@code p}. */
  static boolean isFile(Path p) {
    return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The bytes of the small file {@code p}, or null when it holds more than {@code max}: at most
   * {@code max + 1} bytes are read, whatever the file's size.
   */
  static byte[] readSmall(Path p, int max) throws IOException {
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      byte[] b = in.readNBytes(max + 1);
      return b.length > max ? null : b;
    }
  }
}
