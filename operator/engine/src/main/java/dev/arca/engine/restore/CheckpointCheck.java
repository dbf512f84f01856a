package dev.arca.engine.restore;

import dev.arca.engine.ArcaException;
import dev.arca.engine.DaemonThreads;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.TreeWalk;
import dev.arca.engine.storage.ObjectMissingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code restore --checkpoint --verify-first}: reads and checks every blob that restoring a
 * checkpoint folder needs, as {@code verify --read-data} checks data: the folder listings from the
 * snapshot's root down to the folder and all below it, and every chunk of every file in it, each
 * decrypted, decompressed and compared with its id; each file's chunks must add up to its size. The
 * first problem found is the verdict. A chunk is judged once per run (checkpoints that share files
 * share their chunks), and damaged copies met are recorded as restores record them ({@link
 * FoundDamage}). A store that fails to answer is an error, not a verdict: it never makes a restore
 * fall back to an older checkpoint.
 */
final class CheckpointCheck {
  private final Repository repo;
  private final BlobIndex index;
  private final int threads;
  private final FoundDamage found = new FoundDamage();

  /** Chunks judged so far (hex id): what is wrong with it, or "" when it is intact. */
  private final Map<String, String> verdicts = new ConcurrentHashMap<>();

  CheckpointCheck(Repository repo, BlobIndex index, int threads) {
    this.repo = repo;
    this.index = index;
    this.threads = threads;
  }

  /** What is missing or damaged in the candidate's folder, or null when it is whole and intact. */
  String problem(CheckpointChoice.Candidate c) throws IOException {
    CheckpointFolder folder = new CheckpointFolder(c.path(), index);
    try {
      TreeWalk.walk(repo, index, c.snapshot(), folder);
    } catch (ArcaException e) {
      if (e.kind() != ArcaException.Kind.INTEGRITY) {
        throw e;
      }
      return e.getMessage();
    }
    if (folder.problem() != null) {
      return folder.problem();
    }
    return chunks(folder.chunks());
  }

  /** Records the damaged copies met (best effort); {@code warn} hears what was recorded. */
  void record(Consumer<String> warn) {
    found.record(repo, warn);
  }

  /** Judges the chunks not judged yet; the first problem in file order, or null. */
  private String chunks(Map<String, String> fileOf) throws IOException {
    List<String> todo = new ArrayList<>();
    for (String id : fileOf.keySet()) {
      if (!verdicts.containsKey(id)) {
        todo.add(id);
      }
    }
    if (!todo.isEmpty()) {
      judge(todo);
    }
    for (Map.Entry<String, String> e : fileOf.entrySet()) {
      String v = verdicts.get(e.getKey());
      if (v != null && !v.isEmpty()) {
        return FileName.display(e.getValue()) + ": " + v;
      }
    }
    return null;
  }

  /** Judges these chunks, several at once, until one is found wanting. */
  private void judge(List<String> todo) throws IOException {
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool = DaemonThreads.pool(threads, "arca-checkpoint-check");
    try {
      List<Future<?>> running = new ArrayList<>();
      for (String id : todo) {
        running.add(
            pool.submit(
                () -> {
                  if (!failed.get()) { // one problem settles it: the rest need not be read
                    String v = judge(id);
                    verdicts.put(id, v);
                    if (!v.isEmpty()) {
                      failed.set(true);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while checking a checkpoint");
    } finally {
      pool.shutdownNow();
    }
  }

  /** What is wrong with one indexed chunk: "" when it reads back intact. */
  private String judge(String id) throws IOException {
    BlobIndex.Location loc = index.get(Hex.parse(id));
    try {
      found.read(repo, loc);
      return "";
    } catch (ObjectMissingException e) {
      return "chunk " + id + " cannot be read: " + loc.packKey() + " is gone or cut short";
    } catch (ArcaException e) {
      if (e.kind() != ArcaException.Kind.INTEGRITY) {
        throw e;
      }
      return String.valueOf(e.getMessage());
    } catch (RuntimeException e) { // bytes that do not even decode
      return "chunk " + id + " is damaged: " + e.getMessage();
    }
  }
}
