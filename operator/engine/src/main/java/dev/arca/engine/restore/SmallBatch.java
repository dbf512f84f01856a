package dev.arca.engine.restore;

import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Packs;
import dev.arca.engine.fs.BufferPool;
import dev.arca.engine.fs.Metadata;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Small files whose chunks lie close together in one pack, restored from one read of the span that
 * covers them all. Backups store the small files of a folder one after another, so a restore of a
 * dataset of many small files reads each pack in a few large requests instead of one per file (what
 * makes it fast on S3). If the span cannot be read, each file is read on its own, so every file
 * still reports its own outcome. Each file is decoded and checked whole in memory (against its
 * SHA-256, with every chunk's tag or, unencrypted, its id), then written to a temporary file that
 * is renamed into place: under its final name a file is complete or absent.
 */
final class SmallBatch {
  /** The largest span read at once. */
  static final int MAX_SPAN = 8 << 20;

  /** The largest gap of unneeded bytes read through rather than split into two requests. */
  static final int MAX_GAP = 256 << 10;

  /**
   * The most files in one batch, so that batches of empty or tiny files still spread over threads.
   */
  static final int MAX_FILES = 1024;

  private final List<Restore.Entry> entries = new ArrayList<>();
  private final List<FileRestorer.Range> ranges = new ArrayList<>();
  private byte[] pack;
  private long start;
  private long end;

  /** Adds a file of one range (null for an empty file); false if it does not fit this batch. */
  boolean add(Restore.Entry e, FileRestorer.Range r) {
    if (entries.size() >= MAX_FILES) {
      return false;
    }
    if (r == null) {
      entries.add(e);
      ranges.add(null);
      return true;
    }
    BlobIndex.Location first = r.blobs().get(0);
    BlobIndex.Location last = r.blobs().get(r.blobs().size() - 1);
    long from = first.offset();
    long to = (long) last.offset() + last.length();
    if (pack == null) {
      pack = first.pack();
      start = from;
      end = to;
    } else if (!Arrays.equals(pack, first.pack())
        || from < start
        || from > end + MAX_GAP
        || Math.max(end, to) - start > MAX_SPAN) {
      return false;
    } else {
      end = Math.max(end, to);
    }
    entries.add(e);
    ranges.add(r);
    return true;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  int size() {
    return entries.size();
  }

  /**
   * Restores every file of the batch and reports each file's outcome to {@code run} (its bytes and
   * the file done, or its failure).
   */
  void restore(RestoreRun run) {
    Repository repo = run.repo();
    BufferPool buffers = run.buffers();
    byte[] span = null;
    if (pack != null && entries.size() > 1) {
      span = buffers.take((int) (end - start));
      try {
        repo.storage().read(Packs.key(pack), start, (int) (end - start), span);
      } catch (IOException | RuntimeException e) {
        buffers.give(span);
        span = null; // read each file on its own below; each reports its own error
      }
    }
    for (int i = 0; i < entries.size(); i++) {
      Restore.Entry e = entries.get(i);
      FileRestorer.Range r = ranges.get(i);
      try {
        restoreOne(e, r, span, start, run);
        // small files count their bytes when done (large ones count each range as written)
        run.progress().bytes(e.node().size());
        run.done(e);
      } catch (Throwable t) {
        run.failed(e, t);
      }
    }
    if (span != null) {
      buffers.give(span);
    }
  }

  /**
   * Restores a file that fits in one range: every chunk and the whole file are checked in memory
   * before anything is written, then the file is written under a temporary name and renamed into
   * place, so that its final name never holds a part of it (a restore killed or out of disk space
   * in the middle of the write leaves the temporary file, which the next restore removes). {@code
   * span} holds pack bytes from {@code spanStart} that cover the range, or is null to read the
   * range.
   */
  private static void restoreOne(
      Restore.Entry e, FileRestorer.Range r, byte[] span, long spanStart, RestoreRun run)
      throws IOException {
    Repository repo = run.repo();
    BufferPool buffers = run.buffers();
    int size = (int) e.node().size();
    byte[] content = buffers.take(size);
    byte[] read = null;
    try {
      if (r != null) {
        byte[] buf = span;
        long base = spanStart;
        if (buf == null) {
          buf = FileJob.readRange(repo, r, buffers);
          read = buf;
          base = r.blobs().get(0).offset();
        }
        // the range's offsets run back to back from 0 and add up to the size (FileRestorer.ranges)
        for (int i = 0; i < r.blobs().size(); i++) {
          BlobIndex.Location loc = r.blobs().get(i);
          int at = (int) (long) r.fileOffsets().get(i);
          run.found().decodeInto(repo, loc, buf, (int) (loc.offset() - base), content, at);
        }
      }
      MessageDigest digest = ChunkIds.sha256();
      digest.update(content, 0, size);
      String sha = Hex.of(digest.digest());
      if (!sha.equals(e.node().sha256())) {
        throw run.found().damagedChunkOr(repo, List.of(r), FileJob.mismatch(sha, e));
      }
      write(e, content, size, run.folders());
    } finally {
      buffers.give(content);
      if (read != null) {
        buffers.give(read);
      }
    }
  }

  /** Writes checked content to a temporary file, sets its metadata and renames it into place. */
  private static void write(Restore.Entry e, byte[] content, int size, FolderLocks folders)
      throws IOException {
    Path p = e.path();
    var mode = Metadata.creationMode(e.node());
    TempFiles.Created temp;
    synchronized (folders.of(p)) {
      temp = TempFiles.create(p.getParent(), mode);
    }
    try {
      try (FileChannel ch = temp.channel()) {
        dev.arca.engine.fs.Io.write(ch, content, 0, size);
      }
      Metadata.apply(temp.path(), e.node(), mode != null);
      synchronized (folders.of(p)) {
        // a wrong file or a link under the name is replaced, never followed
        Files.move(
            temp.path(), p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException ex) {
      TempFiles.discard(temp.path(), ex);
      throw FileJob.cannotWrite(p, ex);
    } catch (RuntimeException ex) {
      TempFiles.discard(temp.path(), ex);
      throw ex;
    }
  }
}
