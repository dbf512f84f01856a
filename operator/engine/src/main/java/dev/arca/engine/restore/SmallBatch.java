package dev.arca.engine.restore;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Small files whose chunks lie close together in one pack, restored from one read of the span that
 * covers them all. Backups store the small files of a folder one after another, so a restore of a
 * dataset of many small files reads each pack in a few large requests instead of one per file (what
 * makes it fast on S3). If the span cannot be read, each file is read on its own, so every file
 * still reports its own outcome.
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
  private final List<Boolean> fresh = new ArrayList<>();
  private byte[] pack;
  private long start;
  private long end;

  /**
   * Adds a file of one range (null for an empty file), {@code freshFolder} when it goes into a
   * folder this restore created; false if it does not fit this batch.
   */
  boolean add(Restore.Entry e, FileRestorer.Range r, boolean freshFolder) {
    if (entries.size() >= MAX_FILES) {
      return false;
    }
    if (r == null) {
      entries.add(e);
      ranges.add(null);
      fresh.add(freshFolder);
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
    fresh.add(freshFolder);
    return true;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  int size() {
    return entries.size();
  }

  /** Restores every file of the batch; {@code each} reports each file's outcome. */
  void restore(
      Repository repo, FolderLocks folders, dev.arca.engine.fs.BufferPool buffers, Outcome each) {
    byte[] span = null;
    if (pack != null && entries.size() > 1) {
      try {
        span = repo.storage().read(Packs.key(pack), start, (int) (end - start));
      } catch (IOException | RuntimeException e) {
        span = null; // read each file on its own below; each reports its own error
      }
    }
    for (int i = 0; i < entries.size(); i++) {
      Restore.Entry e = entries.get(i);
      FileRestorer.Range r = ranges.get(i);
      try {
        FileJob.restoreSmall(e, r, span, start, repo, fresh.get(i), folders, buffers);
        each.done(e, null);
      } catch (Throwable t) {
        each.done(e, t);
      }
    }
  }

  /** Receives the outcome of one file: {@code failure} is null on success. */
  interface Outcome {
    void done(Restore.Entry e, Throwable failure);
  }
}
