package dev.arca.engine.restore;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.fs.Metadata;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The restore of one file: a temporary file in the target folder, written range by range from any
 * thread, then verified and renamed into place by whichever thread finishes the last range.
 */
final class FileJob {
  private static final byte[] ZEROS = new byte[1 << 20];

  private final Restore.Entry entry;
  private final Repository repo;
  private final FileRestorer restorer;
  private final Path temp;
  private final FileChannel channel;
  private final AtomicInteger remaining;
  private volatile Throwable failure;

  private FileJob(
      Restore.Entry entry, int ranges, Repository repo, FileRestorer restorer, Path temp)
      throws IOException {
    this.entry = entry;
    this.repo = repo;
    this.restorer = restorer;
    this.temp = temp;
    this.remaining = new AtomicInteger(ranges);
    this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    // A file of the right length whose unwritten (all-zero) ranges stay holes.
    if (entry.node().size() > 0) {
      channel.write(ByteBuffer.allocate(1), entry.node().size() - 1);
    }
  }

  /** Creates the temporary file; null (failure recorded) if it cannot be created. */
  static FileJob start(Restore.Entry e, int ranges, Repository repo, FileRestorer restorer) {
    Path dir = e.path().getParent();
    Path temp =
        dir.resolve(".arca-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      Files.createFile(
          temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      return new FileJob(e, ranges, repo, restorer, temp);
    } catch (IOException ex) {
      restorer.failed(e, new IOException("cannot create a file in " + dir + ": " + ex, ex));
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // nothing more to do
      }
      return null;
    }
  }

  void write(FileRestorer.Range r) throws IOException {
    if (failure != null) {
      return;
    }
    BlobIndex.Location first = r.blobs().get(0);
    BlobIndex.Location last = r.blobs().get(r.blobs().size() - 1);
    int len = last.offset() + last.length() - first.offset();
    byte[] buf = repo.storage().read(first.packKey(), first.offset(), len);
    for (int i = 0; i < r.blobs().size(); i++) {
      BlobIndex.Location loc = r.blobs().get(i);
      byte[] plain = repo.decodeBlob(loc, buf, loc.offset() - first.offset());
      if (!isZero(plain)) {
        ByteBuffer b = ByteBuffer.wrap(plain);
        long pos = r.fileOffsets().get(i);
        while (b.hasRemaining()) {
          pos += channel.write(b, pos);
        }
      }
      restorer.progress().bytes(plain.length);
    }
  }

  void fail(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  void rangeDone() {
    if (remaining.decrementAndGet() == 0) {
      finish();
    }
  }

  /** Verifies the whole file and moves it into place, or removes it on failure. */
  void finish() {
    try {
      channel.close();
      if (failure == null) {
        String sha = sha256(temp);
        if (!sha.equals(entry.node().sha256())) {
          failure =
              ArcaException.integrity(
                  "restored content has SHA-256 "
                      + sha
                      + " but the snapshot recorded "
                      + entry.node().sha256());
        }
      }
      if (failure == null) {
        Metadata.apply(temp, entry.node());
        Files.move(
            temp,
            entry.path(),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        restorer.done(entry);
        return;
      }
    } catch (IOException | RuntimeException e) {
      if (failure == null) {
        failure = e;
      }
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // reported below
    }
    restorer.failed(entry, failure);
  }

  static String sha256(Path p) throws IOException {
    return dev.arca.engine.fs.FileHash.sha256(p);
  }

  private static boolean isZero(byte[] b) {
    for (int p = 0; p < b.length; p += ZEROS.length) {
      int n = Math.min(ZEROS.length, b.length - p);
      if (Arrays.mismatch(b, p, p + n, ZEROS, 0, n) >= 0) {
        return false;
      }
    }
    return true;
  }
}
