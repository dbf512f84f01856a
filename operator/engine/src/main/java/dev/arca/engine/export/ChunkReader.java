package dev.arca.engine.export;

import dev.arca.engine.DaemonThreads;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Reads a file's chunks in order, several ahead at once (fetch, decrypt, decompress and check
 * happen in parallel while the caller writes), with a bounded number in flight.
 */
public final class ChunkReader implements AutoCloseable {
  private static final int AHEAD = 8;
  private static final ExecutorService POOL =
      DaemonThreads.pool(Math.max(2, Runtime.getRuntime().availableProcessors()), "arca-export");

  private final Repository repo;
  private final List<BlobIndex.Location> chunks;
  private final Deque<CompletableFuture<byte[]>> inFlight = new ArrayDeque<>();
  private int next;

  /** Starts reading {@code chunks} of {@code repo}, in order. */
  public ChunkReader(Repository repo, List<BlobIndex.Location> chunks) {
    this.repo = repo;
    this.chunks = chunks;
    fill();
  }

  /** The next chunk's plaintext, checked against its id; null at the end. */
  public byte[] next() throws IOException {
    CompletableFuture<byte[]> f = inFlight.poll();
    if (f == null) {
      return null;
    }
    fill();
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(c);
    }
  }

  private void fill() {
    while (inFlight.size() < AHEAD && next < chunks.size()) {
      BlobIndex.Location l = chunks.get(next++);
      inFlight.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return repo.readBlob(l);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              POOL));
    }
  }

  @Override
  public void close() {
    inFlight.forEach(f -> f.cancel(false));
  }
}
