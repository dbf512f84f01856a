package dev.arca.engine.backup;

import dev.arca.engine.DaemonThreads;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lists the sources' folders and stats their entries on a few threads while the repository is being
 * opened, so that the kernel has their metadata cached when the walk asks for it: the key
 * derivation alone keeps one core busy for about half a second before a backup can read anything
 * else, and with a cold page cache the walk of many folders waits on the disk. It keeps nothing
 * (the walk reads every folder again, then from the cache), ignores what it cannot read (the walk
 * reports it), and stops at {@link #close}.
 */
public final class SourceWarmUp implements AutoCloseable {
  private static final int THREADS = 4;

  /** Folders waiting to be read at most; beyond, sub-folders are left to the walk. */
  private static final int MAX_QUEUED = 10_000;

  private final ExecutorService pool;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicInteger queued = new AtomicInteger();

  private SourceWarmUp() {
    this.pool = DaemonThreads.pool(THREADS, "arca-warm-up");
  }

  /** Starts reading the folders below {@code roots} (files among them are passed over). */
  public static SourceWarmUp start(List<Path> roots) {
    SourceWarmUp w = new SourceWarmUp();
    roots.forEach(w::submit);
    return w;
  }

  private void submit(Path dir) {
    submit(() -> read(dir));
  }

  private void submit(Runnable task) {
    if (stopped.get() || queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      return;
    }
    try {
      pool.execute(
          () -> {
            queued.decrementAndGet();
            task.run();
          });
    } catch (RejectedExecutionException e) {
      queued.decrementAndGet(); // closed meanwhile
    }
  }

  /** Lists {@code dir}, then stats its entries: slices of a large folder on the other threads. */
  private void read(Path dir) {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path c : ds) {
        if (stopped.get()) {
          return;
        }
        entries.add(c);
      }
    } catch (IOException | RuntimeException e) {
      return; // not a folder, unreadable or gone: the walk finds out and says so
    }
    for (int from = SlicedWork.SLICE; from < entries.size(); from += SlicedWork.SLICE) {
      int slice = from;
      submit(() -> stat(entries, slice));
    }
    stat(entries, 0);
  }

  /** Stats one slice of {@code entries}, and queues the folders among them. */
  private void stat(List<Path> entries, int from) {
    for (int i = from, end = Math.min(entries.size(), from + SlicedWork.SLICE); i < end; i++) {
      if (stopped.get()) {
        return;
      }
      try {
        Path c = entries.get(i);
        if (Files.readAttributes(c, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .isDirectory()) {
          submit(c);
        }
      } catch (IOException | RuntimeException e) {
        // gone or unreadable: the walk finds out and says so
      }
    }
  }

  /** Whether every thread has ended, waiting at most {@code millis}. */
  boolean awaitStopped(long millis) throws InterruptedException {
    return pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
  }

  /** Stops reading; threads end after the entry they are on. */
  @Override
  public void close() {
    stopped.set(true);
    pool.shutdownNow();
  }
}
