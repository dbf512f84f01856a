package dev.arca.engine.restore;

import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.fs.BufferPool;
import dev.arca.engine.fs.Metadata;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The restore of one large file: a temporary file in the target folder, written range by range from
 * any thread. The whole-file SHA-256 is computed from the decoded chunks in file order as they
 * arrive, by whichever thread is free to; whichever thread finishes the last range checks it and
 * renames the file into place. Chunks finished before their predecessors wait for the hash within a
 * budget shared by all files ({@link RestoreRun#reservePending}): an all-zero chunk waits as its
 * length alone, and beyond the budget a chunk is hashed later from the bytes it wrote. So a file of
 * any size, sparse or made of one chunk repeated, restores in bounded memory however the ranges'
 * reads are ordered. Small files go through {@link SmallBatch} instead.
 */
final class FileJob {
  private static final byte[] ZEROS = new byte[1 << 20];

  /** Until its metadata is set, a file being restored is its owner's alone. */
  private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final Restore.Entry entry;

  /** The file's chunks, to find a damaged one when the whole file does not match. */
  private final List<FileRestorer.Range> ranges;

  private final Repository repo;
  private final RestoreRun run;
  private final Path temp;
  private final FileChannel channel;
  private final AtomicInteger remaining;
  private final MessageDigest sha = ChunkIds.sha256();

  /** Verified chunks by file offset, waiting to be hashed in file order. */
  private final ConcurrentSkipListMap<Long, Piece> pending = new ConcurrentSkipListMap<>();

  /** Held by the one thread feeding {@link #sha}; the others leave their chunks and go on. */
  private final AtomicBoolean hashing = new AtomicBoolean();

  /** Bytes fed to {@link #sha} so far; changed only while holding {@link #hashing}. */
  private volatile long hashed;

  private volatile Throwable failure;

  /** Reads written ranges back for the hash (opened on first need). */
  private FileChannel readBack;

  private FileJob(
      Restore.Entry entry, List<FileRestorer.Range> ranges, RestoreRun run, TempFiles.Created t)
      throws IOException {
    this.entry = entry;
    this.ranges = ranges;
    this.repo = run.repo();
    this.run = run;
    this.temp = t.path();
    this.remaining = new AtomicInteger(ranges.size());
    this.channel = t.channel();
    // A file of the right length whose unwritten (all-zero) ranges stay holes.
    if (entry.node().size() > 0) {
      channel.write(ByteBuffer.allocate(1), entry.node().size() - 1);
    }
  }

  /** Creates the temporary file; null (failure recorded) if it cannot be created. */
  static FileJob start(Restore.Entry e, List<FileRestorer.Range> ranges, RestoreRun run) {
    Path dir = e.path().getParent();
    TempFiles.Created t = null;
    try {
      synchronized (run.folders().of(e.path())) {
        t = TempFiles.create(dir, OWNER_ONLY);
      }
      return new FileJob(e, ranges, run, t);
    } catch (IOException ex) {
      IOException failure = cannotWrite(e.path(), ex);
      if (t != null) {
        closeQuietly(t.channel());
        TempFiles.discard(t.path(), failure);
      }
      run.failed(e, failure);
      return null;
    }
  }

  /**
   * Restores one range: its chunks are read one after another from one stream of the range (one
   * request on S3), each decoded and written as soon as it is in, so a range holds no more memory
   * than its largest chunk however long it is.
   */
  void write(FileRestorer.Range r) throws IOException {
    if (failure != null) {
      return;
    }
    BlobIndex.Location first = r.blobs().get(0);
    BlobIndex.Location last = r.blobs().get(r.blobs().size() - 1);
    long length = (long) last.offset() + last.length() - first.offset();
    try (InputStream in = repo.storage().openRange(first.packKey(), first.offset(), length)) {
      for (int i = 0; i < r.blobs().size(); i++) {
        BlobIndex.Location loc = r.blobs().get(i);
        byte[] stored = run.buffers().take(loc.length());
        try {
          int n = in.readNBytes(stored, 0, loc.length());
          if (n != loc.length()) {
            throw new IOException(
                "reading "
                    + loc.packKey()
                    + " ended after "
                    + n
                    + " of "
                    + loc.length()
                    + " bytes of a chunk");
          }
          decodeAndWrite(loc, stored, r.fileOffsets().get(i));
        } finally {
          run.buffers().give(stored);
        }
        if (failure != null) {
          return; // another range of the file failed: the file is lost, stop reading
        }
      }
    }
  }

  /** Decodes one chunk read into {@code stored}, writes it at {@code pos} and feeds the hash. */
  private void decodeAndWrite(BlobIndex.Location loc, byte[] stored, long pos) throws IOException {
    int n = loc.rawLength();
    byte[] plain = run.buffers().take(n);
    try {
      run.found().decodeInto(repo, loc, stored, 0, plain, 0);
      Piece piece;
      if (isZero(plain, n)) {
        piece = new Piece(null, n, Kind.ZEROS);
        run.buffers().give(plain);
      } else {
        writeAt(plain, n, pos);
        if (pos == hashed) {
          piece = new Piece(plain, n, Kind.NEXT); // hashed at once, below
        } else if (run.reservePending(n)) {
          piece = new Piece(plain, n, Kind.HELD);
        } else {
          piece = new Piece(null, n, Kind.ON_DISK);
          run.buffers().give(plain);
        }
      }
      plain = null;
      hashInOrder(pos, piece);
    } catch (IOException | RuntimeException e) {
      if (plain != null) {
        run.buffers().give(plain);
      }
      throw e;
    }
    run.progress().bytes(n);
  }

  private void writeAt(byte[] plain, int n, long pos) throws IOException {
    try {
      dev.arca.engine.fs.Io.write(channel, plain, 0, n, pos);
    } catch (IOException e) {
      throw cannotWrite(entry.path(), e);
    }
  }

  /** A failure to write the file that takes the name {@code p}, naming it (a full disk, say). */
  static IOException cannotWrite(Path p, IOException e) {
    return new IOException("cannot write " + p + ": " + e.getMessage(), e);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // the file is removed next
    }
  }

  /** How a chunk waits for the whole-file hash. */
  private enum Kind {
    /** Next in file order when it was decoded: in its pooled array, outside the budget. */
    NEXT,
    /** In its pooled array, counted against the shared budget. */
    HELD,
    /** All zeros (a hole): its length is all it takes. */
    ZEROS,
    /** Written, its array given back: read again from the file for the hash. */
    ON_DISK
  }

  /** A decoded chunk waiting for the whole-file hash. */
  private record Piece(byte[] bytes, int length, Kind kind) {}

  /** Reads a range's stored bytes into an array of {@code buffers}; the caller gives it back. */
  static byte[] readRange(Repository repo, FileRestorer.Range r, BufferPool buffers)
      throws IOException {
    BlobIndex.Location first = r.blobs().get(0);
    BlobIndex.Location last = r.blobs().get(r.blobs().size() - 1);
    int len = last.offset() + last.length() - first.offset();
    byte[] buf = buffers.take(len);
    try {
      repo.storage().read(first.packKey(), first.offset(), len, buf);
    } catch (IOException | RuntimeException e) {
      buffers.give(buf);
      throw e;
    }
    return buf;
  }

  /**
   * Leaves a chunk for the whole-file hash. Whichever thread gets {@link #hashing} feeds every
   * chunk that continues the hashed prefix; a thread that finds it taken goes back to decoding
   * instead of waiting, and the holder looks again after letting go, so no chunk is left behind.
   */
  private void hashInOrder(long pos, Piece plain) {
    pending.put(pos, plain);
    while (nextInOrder() && hashing.compareAndSet(false, true)) {
      try {
        drain();
      } finally {
        hashing.set(false);
      }
    }
  }

  private boolean nextInOrder() {
    var first = pending.firstEntry(); // null when empty (firstKey would throw if drained meanwhile)
    return first != null && first.getKey() == hashed;
  }

  private void drain() {
    for (var next = pending.firstEntry();
        next != null && next.getKey() == hashed;
        next = pending.firstEntry()) {
      pending.remove(next.getKey());
      Piece piece = next.getValue();
      switch (piece.kind()) {
        case NEXT, HELD -> {
          sha.update(piece.bytes(), 0, piece.length());
          run.buffers().give(piece.bytes());
          if (piece.kind() == Kind.HELD) {
            run.releasePending(piece.length());
          }
        }
        case ZEROS -> {
          for (int done = 0; done < piece.length(); done += ZEROS.length) {
            sha.update(ZEROS, 0, Math.min(ZEROS.length, piece.length() - done));
          }
        }
        case ON_DISK -> hashFromDisk(next.getKey(), piece.length());
      }
      hashed = hashed + piece.length();
    }
  }

  /**
   * Feeds the hash from the bytes written at {@code pos}: the chunk opened under its tag (or
   * matched its id) before it was written, and what is on disk is what the file will hold.
   */
  private void hashFromDisk(long pos, int length) {
    byte[] buf = run.buffers().take(Math.min(length, 1 << 20));
    try {
      if (readBack == null) {
        readBack = FileChannel.open(temp, StandardOpenOption.READ);
      }
      for (long done = 0; done < length; ) {
        int want = (int) Math.min(buf.length, length - done);
        int n = readBack.read(ByteBuffer.wrap(buf, 0, want), pos + done);
        if (n <= 0) {
          throw new IOException("the restored file is shorter than what was written to it");
        }
        sha.update(buf, 0, n);
        done += n;
      }
    } catch (IOException e) {
      fail(e); // the file fails whatever the digest says
    } finally {
      run.buffers().give(buf);
    }
  }

  /** The whole-file digest once every range is in: waits for a thread still feeding it. */
  private String digest() {
    while (!hashing.compareAndSet(false, true)) {
      Thread.yield();
    }
    try {
      drain();
      return hashed == entry.node().size() ? Hex.of(sha.digest()) : "(incomplete)";
    } finally {
      hashing.set(false);
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

  /** Checks the whole file and moves it into place, or removes it on failure. */
  void finish() {
    try {
      channel.close();
      if (readBack != null) {
        readBack.close();
      }
      if (failure == null) {
        String digest = digest();
        if (!digest.equals(entry.node().sha256())) {
          failure = run.found().damagedChunkOr(repo, ranges, mismatch(digest, entry));
        }
      }
      if (failure == null) {
        Metadata.apply(temp, entry.node());
        synchronized (run.folders().of(temp)) {
          Files.move(
              temp,
              entry.path(),
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        }
        run.done(entry);
        return;
      }
    } catch (IOException | RuntimeException e) {
      if (failure == null) {
        failure = e;
      }
    }
    discardPending();
    TempFiles.discard(temp, failure);
    run.failed(entry, failure);
  }

  /** Gives back what chunks of a failed file still hold. */
  private void discardPending() {
    for (var e = pending.pollFirstEntry(); e != null; e = pending.pollFirstEntry()) {
      Piece p = e.getValue();
      if (p.bytes() != null) {
        run.buffers().give(p.bytes());
      }
      if (p.kind() == Kind.HELD) {
        run.releasePending(p.length());
      }
    }
  }

  static ArcaException mismatch(String sha, Restore.Entry e) {
    return ArcaException.integrity(
        "restored content has SHA-256 " + sha + " but the snapshot recorded " + e.node().sha256());
  }

  private static boolean isZero(byte[] b, int len) {
    for (int p = 0; p < len; p += ZEROS.length) {
      int n = Math.min(ZEROS.length, len - p);
      if (Arrays.mismatch(b, p, p + n, ZEROS, 0, n) >= 0) {
        return false;
      }
    }
    return true;
  }
}
