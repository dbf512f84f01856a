package dev.arca.engine.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Objects as files under a root folder ({@code file:///abs/path}).
 *
 * <p>A new object is written to {@code tmp/}, flushed to disk, then linked into place with a hard
 * link, which fails if the name exists: objects appear whole and are never replaced. The temporary
 * file is removed afterwards; leftovers of a killed process are only ever in {@code tmp/}.
 */
public final class FileStorage implements Storage {
  private final Path root;
  private final Path tmp;

  public FileStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.tmp = this.root.resolve("tmp");
  }

  public Path root() {
    return root;
  }

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    Path target = path(key);
    if (Files.exists(target)) {
      throw new ObjectExistsException(key);
    }
    Files.createDirectories(tmp);
    Path temp = tmp.resolve(Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        dev.arca.engine.fs.Io.write(ch, data, offset, length);
        ch.force(true);
      }
      Files.createDirectories(target.getParent());
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new ObjectExistsException(key);
      } catch (UnsupportedOperationException | AtomicMoveNotSupportedException e) {
        Files.move(temp, target);
      }
      syncDirectory(target.getParent());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public byte[] read(String key) throws IOException {
    try {
      return Files.readAllBytes(path(key));
    } catch (NoSuchFileException e) {
      throw new ObjectMissingException(key, null);
    }
  }

  @Override
  public byte[] read(String key, long offset, int length) throws IOException {
    byte[] out = new byte[length];
    read(key, offset, length, out);
    return out;
  }

  @Override
  public void read(String key, long offset, int length, byte[] out) throws IOException {
    for (int attempt = 0; ; attempt++) {
      FileChannel ch = channel(key);
      try {
        if (dev.arca.engine.fs.Io.read(ch, out, 0, length, offset) < length) {
          throw new ObjectMissingException(
              key, "range " + offset + "+" + length + " runs past its end (" + ch.size() + ")");
        }
        return;
      } catch (java.nio.channels.ClosedChannelException e) {
        if (attempt > 0) {
          throw e; // closed by eviction twice in a row: give up
        }
      }
    }
  }

  /** An open read channel for an object; objects never change, so channels are kept a while. */
  private FileChannel channel(String key) throws IOException {
    synchronized (readers) {
      FileChannel ch = readers.get(key);
      if (ch != null && ch.isOpen()) {
        return ch;
      }
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(path(key), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectMissingException(key, null);
    }
    synchronized (readers) {
      FileChannel old = readers.put(key, ch);
      if (old != null) {
        old.close();
      }
    }
    return ch;
  }

  private final java.util.Map<String, FileChannel> readers =
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, FileChannel> eldest) {
          if (size() > 32) {
            try {
              eldest.getValue().close();
            } catch (IOException e) {
              // nothing to do for a read channel
            }
            return true;
          }
          return false;
        }
      };

  @Override
  public void close() throws IOException {
    synchronized (readers) {
      for (FileChannel ch : readers.values()) {
        ch.close();
      }
      readers.clear();
    }
  }

  @Override
  public long size(String key) throws IOException {
    Path p = path(key);
    return Files.isRegularFile(p) ? Files.size(p) : -1;
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    int slash = prefix.lastIndexOf('/');
    String dirKey = slash < 0 ? "" : prefix.substring(0, slash + 1);
    Path dir = dirKey.isEmpty() ? root : path(dirKey.substring(0, dirKey.length() - 1));
    if (Files.isDirectory(dir)) {
      walk(dir, dirKey, prefix, out);
    }
    return out;
  }

  private void walk(Path dir, String dirKey, String prefix, List<ObjectInfo> out)
      throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String key = dirKey + p.getFileName().toString();
        if (key.equals("tmp")) {
          continue;
        }
        if (Files.isDirectory(p)) {
          if (key.startsWith(prefix) || prefix.startsWith(key + "/")) {
            walk(p, key + "/", prefix, out);
          }
        } else if (key.startsWith(prefix)) {
          try {
            var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
            out.add(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
          } catch (NoSuchFileException e) {
            // removed while listing
          }
        }
      }
    } catch (NoSuchFileException e) {
      // removed while listing
    }
  }

  @Override
  public boolean delete(String key) throws IOException {
    synchronized (readers) {
      FileChannel ch = readers.remove(key);
      if (ch != null) {
        ch.close();
      }
    }
    Files.deleteIfExists(path(key));
    return true;
  }

  @Override
  public int removeLeftovers(java.time.Instant olderThan) throws IOException {
    int n = 0;
    if (!Files.isDirectory(tmp)) {
      return 0;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp, "*.tmp")) {
      for (Path p : files) {
        try {
          if (Files.getLastModifiedTime(p).toInstant().isBefore(olderThan)
              && Files.deleteIfExists(p)) {
            n++;
          }
        } catch (NoSuchFileException gone) {
          // linked into place and removed meanwhile
        }
      }
    }
    return n;
  }

  @Override
  public String describe() {
    return root.toUri().toString();
  }

  private Path path(String key) {
    if (key.isEmpty() || key.startsWith("/") || key.contains("..") || key.contains("\\")) {
      throw new IllegalArgumentException("invalid object key: " + key);
    }
    return root.resolve(key);
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not every file system can sync a directory; the file itself is already on disk.
    }
  }
}
