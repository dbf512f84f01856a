package dev.arca.engine.restore;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.DaemonThreads;
import dev.arca.engine.Progress;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restores regular files. Each file's chunks are grouped into ranges that are adjacent in one pack,
 * each read as one stream of at most the store's {@link
 * dev.arca.engine.storage.Storage#rangeReadSize} bytes (8 MiB from a folder, a whole 32 MiB pack
 * from S3: one request) and decoded chunk by chunk as it arrives; ranges of all files run on one
 * pool, ranges of as many large files as there are threads taking turns. A file of one range is
 * checked whole in memory and then written to a temporary file; a larger file is written range by
 * range at its offsets into a temporary file, with all-zero chunks left as holes. Either takes its
 * final name (a rename) only once complete and after its SHA-256 matched the snapshot.
 */
final class FileRestorer {
  /** The largest file restored whole in memory (a file of one range, through a small batch). */
  static final int MAX_RANGE = 8 << 20;

  private final RestoreRun run;
  private final BlobIndex index;
  private final RestoreOptions.Overwrite overwrite;
  private final int threads;

  /** The most bytes of one range: what the store reads with one request at best. */
  private final long rangeBytes;

  private final Progress progress;
  private final AtomicLong unchanged = new AtomicLong();
  private final AtomicLong kept = new AtomicLong();

  /** The first kept paths by name (only the planning thread decides what is kept). */
  private final java.util.TreeSet<String> keptPaths = new java.util.TreeSet<>();

  /**
   * What happened to the files: written, already right ({@code unchanged}), or different and left
   * alone by {@code --overwrite never} ({@code kept}, the first {@link RestoreReport#KEPT_PATHS} of
   * them by path); {@code bytes} is what was written.
   */
  record Totals(long written, long bytes, long unchanged, long kept, List<String> keptPaths) {}

  /**
   * Chunks of one file that are read together: their locations (back to back in one pack, in pack
   * order) and their offsets in the file.
   */
  record Range(List<BlobIndex.Location> blobs, List<Long> fileOffsets) {}

  FileRestorer(RestoreRun run, BlobIndex index, RestoreOptions.Overwrite overwrite, int threads) {
    this.run = run;
    this.index = index;
    this.overwrite = overwrite;
    this.threads = threads;
    this.rangeBytes = Math.max(MAX_RANGE, run.repo().storage().rangeReadSize());
    this.progress = run.progress();
  }

  Totals restoreAll(List<Restore.Entry> entries) throws IOException {
    long totalBytes = 0;
    for (Restore.Entry e : entries) {
      totalBytes += e.node().size();
    }
    progress.total(entries.size(), totalBytes);
    ExecutorService pool = DaemonThreads.pool(threads, "arca-restore");
    Semaphore inFlight = new Semaphore(threads * 2);
    SmallBatch batch = new SmallBatch();
    Deque<OpenFile> open = new ArrayDeque<>();
    try {
      for (Restore.Entry e : entries) {
        if (keepExisting(e)) {
          continue;
        }
        List<Range> ranges = ranges(e);
        if (ranges == null) {
          continue;
        }
        if (ranges.size() <= 1 && e.node().size() <= MAX_RANGE) {
          Range r = ranges.isEmpty() ? null : ranges.get(0);
          if (!batch.add(e, r)) {
            submit(pool, inFlight, batch);
            batch = new SmallBatch();
            batch.add(e, r);
          }
          continue;
        }
        FileJob job = FileJob.start(e, ranges, run);
        if (job == null) {
          continue;
        }
        open.add(new OpenFile(job, ranges.iterator()));
        while (open.size() >= threads) {
          submitNextRange(pool, inFlight, open);
        }
      }
      while (!open.isEmpty()) {
        submitNextRange(pool, inFlight, open);
      }
      submit(pool, inFlight, batch);
    } finally {
      pool.shutdown();
      try {
        while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
          // keep waiting: ranges are bounded
        }
      } catch (InterruptedException ie) {
        pool.shutdownNow();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", ie);
      }
    }
    run.found().record(run.repo(), progress::warn);
    return new Totals(
        run.written(), run.bytes(), unchanged.get(), kept.get(), List.copyOf(keptPaths));
  }

  /** A large file being restored and its ranges not yet handed to the pool. */
  private record OpenFile(FileJob job, Iterator<Range> ranges) {}

  /**
   * Hands the next range of the first open file to the pool and puts the file last: ranges of as
   * many files as there are threads take turns, so that threads write to different files (two
   * threads writing one file wait for each other on the file's lock in the kernel).
   */
  private static void submitNextRange(
      ExecutorService pool, Semaphore inFlight, Deque<OpenFile> open) {
    OpenFile f = open.pollFirst();
    Range r = f.ranges().next();
    if (f.ranges().hasNext()) {
      open.addLast(f);
    }
    FileJob job = f.job();
    inFlight.acquireUninterruptibly();
    pool.execute(
        () -> {
          try {
            job.write(r);
          } catch (Throwable t) {
            job.fail(t);
          } finally {
            inFlight.release();
            job.rangeDone();
          }
        });
  }

  /** Restores a batch of small files on the pool, as one task. */
  private void submit(ExecutorService pool, Semaphore inFlight, SmallBatch batch) {
    if (batch.isEmpty()) {
      return;
    }
    inFlight.acquireUninterruptibly();
    pool.execute(
        () -> {
          try {
            batch.restore(run);
          } finally {
            inFlight.release();
          }
        });
  }

  /**
   * Whether an existing file stays as it is under the overwrite policy: one with the snapshot's
   * content stays (unchanged) unless {@code always}; a different one stays (kept) under {@code
   * never}, and is replaced otherwise.
   */
  private boolean keepExisting(Restore.Entry e) {
    Path p = e.path();
    if (run.isFresh(p.getParent()) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      run.fail(e.rel(), "a folder is in the way of this file; remove it and restore again", false);
      return true;
    }
    if (overwrite == RestoreOptions.Overwrite.ALWAYS) {
      return false;
    }
    if (sameContent(p, e)) {
      try {
        dev.arca.engine.fs.Metadata.apply(p, e.node());
      } catch (IOException ex) {
        if (overwrite != RestoreOptions.Overwrite.NEVER) {
          return false; // its metadata cannot be set: replace it
        }
      }
      unchanged.incrementAndGet();
    } else if (overwrite == RestoreOptions.Overwrite.NEVER) {
      kept.incrementAndGet();
      keptPaths.add(FileName.display(e.rel()));
      if (keptPaths.size() > Restore.KEPT_PATHS) {
        keptPaths.pollLast();
      }
    } else {
      return false;
    }
    progress.bytes(e.node().size());
    progress.fileDone();
    return true;
  }

  /** Whether {@code p} is a regular file with exactly the content {@code e} restores. */
  private static boolean sameContent(Path p, Restore.Entry e) {
    try {
      return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
          && Files.size(p) == e.node().size()
          && dev.arca.engine.fs.FileHash.sha256(p).equals(e.node().sha256());
    } catch (IOException ex) {
      return false; // unreadable: not known to be right
    }
  }

  /**
   * Groups a file's chunks into ranges; null (and a failure recorded) if a chunk is unknown. A
   * range is a run of chunks stored back to back in one pack, of at most {@link #rangeBytes}. On a
   * store that reads long ranges (S3) the runs are taken in pack order: a backup fills a pack from
   * several threads, so a file's chunks lie in it a little out of file order, and grouping them by
   * place in the pack rather than by file order reads a pack's run with one request instead of one
   * per chunk or two. Ranges come in the order of the first file offset they hold, so the
   * whole-file hash can follow them.
   */
  private List<Range> ranges(Restore.Entry e) {
    Node n = e.node();
    List<String> chunks = n.chunks() == null ? List.of() : n.chunks();
    List<Placed> placed = new ArrayList<>(chunks.size());
    long off = 0;
    for (String id : chunks) {
      BlobIndex.Location loc = Hex.isId(id) ? index.get(Hex.parse(id)) : null;
      if (loc == null) {
        run.fail(e.rel(), "chunk " + id + " is missing from the repository", true);
        return null;
      }
      placed.add(new Placed(loc, off));
      off += loc.rawLength();
    }
    if (off != n.size()) {
      run.fail(
          e.rel(), "its chunks add up to " + off + " bytes but the file has " + n.size(), true);
      return null;
    }
    if (rangeBytes > MAX_RANGE) {
      // a store of costly requests (S3): by pack, then place in the pack; a chunk that repeats
      // stays in file order (stable sort). From a folder, file order: chunks that arrive out of
      // order wait in memory for the whole-file hash, and local reads gain little from long runs
      placed.sort(
          java.util.Comparator.comparing(
                  (Placed p) -> p.loc().pack(), java.util.Arrays::compareUnsigned)
              .thenComparingInt(p -> p.loc().offset()));
    }
    List<Range> out = new ArrayList<>();
    List<BlobIndex.Location> cur = new ArrayList<>();
    List<Long> curOffsets = new ArrayList<>();
    long curLen = 0;
    for (Placed p : placed) {
      BlobIndex.Location loc = p.loc();
      BlobIndex.Location last = cur.isEmpty() ? null : cur.get(cur.size() - 1);
      boolean adjacent =
          last != null
              && java.util.Arrays.equals(last.pack(), loc.pack())
              && (long) last.offset() + last.length() == loc.offset()
              && curLen + loc.length() <= rangeBytes;
      if (!adjacent && !cur.isEmpty()) {
        out.add(new Range(cur, curOffsets));
        cur = new ArrayList<>();
        curOffsets = new ArrayList<>();
        curLen = 0;
      }
      cur.add(loc);
      curOffsets.add(p.fileOffset());
      curLen += loc.length();
    }
    if (!cur.isEmpty()) {
      out.add(new Range(cur, curOffsets));
    }
    out.sort(java.util.Comparator.comparingLong(r -> java.util.Collections.min(r.fileOffsets())));
    return out;
  }

  /** A chunk of a file: where it is stored and where it goes in the file. */
  private record Placed(BlobIndex.Location loc, long fileOffset) {}
}
