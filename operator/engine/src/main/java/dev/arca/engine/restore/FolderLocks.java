package dev.arca.engine.restore;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One lock per target folder, held while a file is created, deleted or renamed in it. Linux
 * serialises those operations on a folder anyway (its inode lock), and threads that meet there spin
 * in the kernel: restoring 50,000 small files into one folder took 7.2 s on one thread, 8.6 s on
 * two and 29 s on four, almost all of it system time. Waiting on this lock instead costs nothing,
 * and a thread that is not creating a file is free to decrypt, decompress and check the next ones.
 */
final class FolderLocks {
  private final ConcurrentHashMap<Path, Object> locks = new ConcurrentHashMap<>();

  /** The lock of the folder that holds {@code file}. */
  Object of(Path file) {
    return locks.computeIfAbsent(file.getParent(), k -> new Object());
  }
}
