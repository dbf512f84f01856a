package dev.arca.engine.restore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The temporary files a restore writes a file into before it takes its final name: {@code .arca-<16
 * hex digits>.tmp} in the file's own folder, so that the rename that puts it in place is atomic. A
 * restore that was killed leaves them behind; the next restore into the same folder removes them:
 * regular files named exactly so, and nothing else.
 */
final class TempFiles {
  /**
   * Arca's own temporary names. Earlier versions wrote the random number without leading zeros, so
   * fewer than 16 digits are Arca's too.
   */
  static final Pattern NAME = Pattern.compile("\\.arca-[0-9a-f]{1,16}\\.tmp");

  /** Attempts at a fresh random name before giving up (a clash is already one in 2^64). */
  private static final int NAME_ATTEMPTS = 3;

  private static final HexFormat HEX = HexFormat.of();

  private TempFiles() {}

  /** A temporary file just created for writing, and its path. */
  record Created(Path path, FileChannel channel) {}

  /**
   * Creates a new temporary file in {@code dir}, open for writing, with {@code mode} (null: the
   * process default). The caller holds the folder's lock ({@link FolderLocks}).
   */
  static Created create(Path dir, FileAttribute<?> mode) throws IOException {
    var options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    for (int attempt = 1; ; attempt++) {
      Path p =
          dir.resolve(".arca-" + HEX.toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        FileChannel ch =
            mode == null ? FileChannel.open(p, options) : FileChannel.open(p, options, mode);
        return new Created(p, ch);
      } catch (FileAlreadyExistsException e) {
        if (attempt == NAME_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Removes the temporary files an earlier, interrupted restore left in {@code dir}: regular files
   * whose name is exactly {@link #NAME}, nothing else; {@code problem} hears of each that stays.
   */
  static void removeLeftovers(Path dir, Consumer<String> problem) {
    try (DirectoryStream<Path> names =
        Files.newDirectoryStream(dir, p -> NAME.matcher(p.getFileName().toString()).matches())) {
      for (Path p : names) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          delete(p, problem);
        }
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      problem.accept(
          "cannot look for temporary files of an interrupted restore in " + dir + ": " + e);
    }
  }

  private static void delete(Path p, Consumer<String> problem) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      problem.accept("cannot remove the temporary file " + p + " of an interrupted restore: " + e);
    }
  }

  /** Removes a temporary file of this run that will not be renamed; what cannot go is reported. */
  static void discard(Path p, Throwable failure) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
