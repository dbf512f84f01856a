package dev.arca.samples;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Files and folders of awkward shapes: folder chains thousands deep, sparse files. */
public final class SampleFiles {
  private SampleFiles() {}

  /**
   * Creates a chain of {@code levels} folders below {@code root}, level {@code i} named {@code
   * names[i % names.length]}, and returns the deepest.
   */
  public static Path deepFolders(Path root, int levels, String... names) throws IOException {
    Path deepest = root;
    for (int i = 0; i < levels; i++) {
      deepest = deepest.resolve(names[i % names.length]);
    }
    return Files.createDirectories(deepest);
  }

  /**
   * A sparse file of {@code size} bytes: holes everywhere but at each offset of {@code data}, where
   * its bytes are written.
   */
  public static Path sparse(Path file, long size, Map<Long, byte[]> data) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
      for (Map.Entry<Long, byte[]> d : data.entrySet()) {
        raf.seek(d.getKey());
        raf.write(d.getValue());
      }
    }
    return file;
  }
}
