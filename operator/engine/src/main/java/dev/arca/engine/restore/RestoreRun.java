package dev.arca.engine.restore;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Progress;
import dev.arca.engine.format.FileName;
import dev.arca.engine.fs.BufferPool;
import dev.arca.engine.repo.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one restore run shares with everything that restores its files, created by {@link Restore}
 * and passed down to {@link FileRestorer}, {@link FileJob} and {@link SmallBatch} (none of them
 * refers to its owner): the repository and progress, the failures and the files done, the folders
 * this run created, the folder locks, the reused arrays, the pending-bytes budget and the damaged
 * blob copies met. Thread-safe.
 */
final class RestoreRun {
  private final Repository repo;
  private final Progress progress;
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private volatile boolean damaged;
  private final Set<Path> fresh = ConcurrentHashMap.newKeySet();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final FolderLocks folders = new FolderLocks();

  /** Damaged blob copies met, recorded when the restore ends. */
  private final FoundDamage found = new FoundDamage();

  /** Arrays for decoded chunks and small files, reused across files. */
  private final BufferPool buffers = new BufferPool(64 << 20);

  /**
   * Bytes of chunks that wait in memory for their file's hash (decoded before their predecessors),
   * over all files: at most an eighth of the heap, and 64 MiB. Beyond that a chunk is hashed later
   * from the bytes it wrote (see {@link FileJob}).
   */
  private final long pendingBudget = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);

  private final AtomicLong pendingBytes = new AtomicLong();

  RestoreRun(Repository repo, Progress progress) {
    this.repo = repo;
    this.progress = progress;
  }

  Repository repo() {
    return repo;
  }

  Progress progress() {
    return progress;
  }

  FolderLocks folders() {
    return folders;
  }

  BufferPool buffers() {
    return buffers;
  }

  FoundDamage found() {
    return found;
  }

  /** Records that this run created {@code dir} itself. */
  void created(Path dir) {
    fresh.add(dir);
  }

  /** Whether this run created {@code dir} itself, so nothing in it existed before. */
  boolean isFresh(Path dir) {
    return fresh.contains(dir);
  }

  /** Records that {@code rel} (a path of {@link FileName} strings) was not restored, and why. */
  void fail(String rel, String why, boolean integrity) {
    String failure = FileName.display(rel) + ": " + why;
    failures.add(failure);
    if (integrity) {
      damaged = true;
    }
    progress.warn(failure);
  }

  /** Records that a file failed with {@code t}; damage and missing data count as integrity. */
  void failed(Restore.Entry e, Throwable t) {
    boolean integrity =
        t instanceof ArcaException a && a.kind() == ArcaException.Kind.INTEGRITY
            || t instanceof dev.arca.engine.storage.ObjectMissingException;
    fail(e.rel(), String.valueOf(t.getMessage()), integrity);
  }

  /** Counts a file written into place. */
  void done(Restore.Entry e) {
    written.incrementAndGet();
    bytes.addAndGet(e.node().size());
    progress.fileDone();
  }

  /** Counts {@code n} bytes against the pending budget; false when they do not fit. */
  boolean reservePending(int n) {
    for (long cur = pendingBytes.get(); cur + n <= pendingBudget; cur = pendingBytes.get()) {
      if (pendingBytes.compareAndSet(cur, cur + n)) {
        return true;
      }
    }
    return false;
  }

  void releasePending(int n) {
    pendingBytes.addAndGet(-n);
  }

  /** Files written into place so far. */
  long written() {
    return written.get();
  }

  /** Bytes of the files written into place so far. */
  long bytes() {
    return bytes.get();
  }

  /** The failures recorded so far, in order. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  /** Whether a failure was damage or missing data. */
  boolean damaged() {
    return damaged;
  }
}
