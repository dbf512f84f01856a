package dev.arca.engine.backup;

import dev.arca.engine.DaemonThreads;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.Compression;
import dev.arca.engine.format.FloatGrouping;
import dev.arca.engine.format.PackWriter;
import dev.arca.engine.fs.BufferPool;
import dev.arca.engine.repo.PackOutput;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stores chunks: computes each chunk's id, skips chunks the repository (or this run) already has,
 * compresses and seals the rest into packs (one {@link PackOutput} per blob type), and uploads full
 * packs in the background. Thread-safe. A blob enters the in-memory index only once its pack is
 * stored.
 */
final class ChunkSink implements AutoCloseable {
  private static final int UPLOADS_IN_FLIGHT = 2;

  private final Repository repo;
  private final BlobIndex index;
  private final Map<ByteBuffer, Boolean> pending = new ConcurrentHashMap<>();

  /** Ids whose indexed copy is damaged: stored anew rather than deduplicated against it. */
  private final Set<ByteBuffer> distrusted = ConcurrentHashMap.newKeySet();

  private final Map<Integer, byte[]> zeroIds = new ConcurrentHashMap<>();
  private final PackOutput[] outputs = new PackOutput[BlobType.values().length];
  private final ExecutorService uploader;
  private final Semaphore uploadSlots = new Semaphore(UPLOADS_IN_FLIGHT);

  /**
   * Data packs in memory at once, being filled or uploaded ({@link MemoryPlan#packsInMemory}): one
   * filling while the uploads run. Threads that fill a pack wait here rather than each holding one.
   */
  private final Semaphore dataPacks;

  private final List<Future<?>> uploads = new ArrayList<>();
  private final List<BlobIndex.Location> newBlobs = new ArrayList<>();
  private final ThreadLocal<byte[][]> scratch = new ThreadLocal<>();
  private final BufferPool chunkBuffers;
  private final java.util.concurrent.ConcurrentLinkedDeque<byte[]> packBuffers =
      new java.util.concurrent.ConcurrentLinkedDeque<>();
  private final int packBufferSize;

  /** Pack arrays kept for the next packs once uploaded: as many as may be in memory at once. */
  private final int idlePackBuffers;

  final AtomicLong newBytes = new AtomicLong();
  final AtomicLong storedBytes = new AtomicLong();

  /**
   * Whether each pack's blobs are indexed in an index object of their own as soon as the pack is
   * stored ({@link #indexEachPack}), and the keys of those objects.
   */
  private volatile boolean indexEachPack;

  private final List<String> packIndexes = new ArrayList<>();

  /**
   * {@code memoryBudget}: bytes of chunks in flight; as much again may wait idle for reuse (so that
   * a backup in its steady state allocates no new chunk or pack arrays: each one dropped would be
   * garbage the heap grows for), and the packs in memory follow it ({@link MemoryPlan}).
   */
  ChunkSink(Repository repo, BlobIndex index, long memoryBudget) {
    this.repo = repo;
    this.index = index;
    MemoryPlan plan = MemoryPlan.of(memoryBudget, repo.config().packTargetSize());
    int packTarget = plan.packTarget();
    this.dataPacks = new Semaphore(plan.packsInMemory());
    this.idlePackBuffers = plan.packsInMemory();
    this.packBufferSize = packTarget + PackOutput.ROOM_PAST_TARGET;
    for (BlobType t : BlobType.values()) {
      outputs[t.ordinal()] = new PackOutput(repo, packTarget, () -> newWriter(t));
    }
    this.chunkBuffers = new BufferPool(memoryBudget);
    this.uploader = DaemonThreads.pool(UPLOADS_IN_FLIGHT, "arca-upload");
  }

  /**
   * From now on, indexes the blobs of every stored pack in an index object of its own right after
   * the pack: a run killed midway leaves what it uploaded indexed, and its rerun deduplicates
   * against it instead of sending it again. {@link #mergePackIndexes} replaces those objects once
   * the run has indexed all its blobs together.
   */
  void indexEachPack() {
    indexEachPack = true;
  }

  /**
   * Deletes the index objects {@link #indexEachPack} wrote, once an index object of the whole run
   * lists their entries; one that cannot be deleted (a store that keeps objects under a retention
   * rule) stays, its entries duplicates, which readers accept.
   */
  void mergePackIndexes() {
    List<String> keys;
    synchronized (packIndexes) {
      keys = new ArrayList<>(packIndexes);
      packIndexes.clear();
    }
    for (String key : keys) {
      try {
        repo.storage().delete(key);
      } catch (IOException e) {
        // stays: duplicate entries
      }
    }
  }

  /** Reused arrays for chunks on their way to {@link #store}. */
  BufferPool chunkBuffers() {
    return chunkBuffers;
  }

  void warmUp() {
    repo.warmUp();
  }

  /** Stores one chunk (if new) and returns its id. */
  byte[] store(BlobType type, byte[] buf, int off, int len) throws IOException {
    return store(type, buf, off, len, FloatGrouping.NONE);
  }

  /**
   * Stores one chunk (if new) and returns its id; {@code floatKind} names the element type of a
   * tensor chunk so it can be byte-grouped before compression.
   */
  byte[] store(BlobType type, byte[] buf, int off, int len, byte floatKind) throws IOException {
    boolean zero = type == BlobType.DATA && isZero(buf, off, len);
    byte[] id = zero ? zeroIds.get(len) : null;
    if (id == null) {
      id = repo.ids().id(buf, off, len);
      if (zero) {
        zeroIds.put(len, id);
      }
    }
    if ((index.contains(id) && !distrusted(id))
        || pending.putIfAbsent(ByteBuffer.wrap(id), Boolean.TRUE) != null) {
      return id;
    }
    newBytes.addAndGet(len);
    byte[][] s = scratch(len);
    Compression.Packed packed = repo.compression().pack(buf, off, len, s[0], floatKind);
    byte codec = packed.codec();
    int sealed =
        codec == Compression.NONE
            ? repo.cipher().seal(buf, off, len, s[1], 0)
            : repo.cipher().seal(s[0], 0, packed.length(), s[1], 0);
    add(type, codec, id, s[1], sealed, len);
    return id;
  }

  /**
   * Stores the blob {@code id} anew when it comes, although the index has it: its indexed copy is
   * damaged ({@link ParentDamage}). Once the new copy is stored, the blob is deduplicated again.
   */
  void distrust(byte[] id) {
    distrusted.add(ByteBuffer.wrap(id.clone()));
  }

  private boolean distrusted(byte[] id) {
    return !distrusted.isEmpty() && distrusted.contains(ByteBuffer.wrap(id));
  }

  private void add(BlobType type, byte codec, byte[] id, byte[] sealed, int n, int rawLength)
      throws IOException {
    PackOutput out = outputs[type.ordinal()];
    PackWriter full = out.offer(type, codec, id, sealed, n, rawLength);
    if (full != null) {
      upload(out, full, type == BlobType.DATA);
    }
  }

  /**
   * A writer for a new pack: data packs reuse an idle pack-sized array; tree packs, a few hundred
   * KiB in most runs, start small and grow.
   */
  private PackWriter newWriter(BlobType type) throws IOException {
    if (type != BlobType.DATA) {
      return new PackWriter(1 << 20);
    }
    try {
      dataPacks.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    try {
      byte[] b = packBuffers.pollFirst();
      return new PackWriter(b != null ? b : new byte[packBufferSize]);
    } catch (RuntimeException | Error e) {
      // an array the heap cannot give (OutOfMemoryError) must not keep the place: the next
      // writer would wait for it forever instead of failing too
      dataPacks.release();
      throw e;
    }
  }

  /** Uploads a full pack in the background; a data pack gives its place back when done. */
  private void upload(PackOutput out, PackWriter w, boolean data) throws IOException {
    try {
      uploadSlots.acquire();
    } catch (InterruptedException e) {
      if (data) {
        dataPacks.release();
      }
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    Future<?> f =
        uploader.submit(
            () -> {
              try {
                PackOutput.Stored stored = out.store(w);
                PackWriter.Finished p = stored.pack();
                storedBytes.addAndGet(p.length());
                if (p.bytes().length == packBufferSize && packBuffers.size() < idlePackBuffers) {
                  packBuffers.offerFirst(p.bytes()); // reused for a later pack
                }
                indexed(stored.blobs());
                if (indexEachPack) {
                  String key = repo.saveIndex(stored.blobs());
                  synchronized (packIndexes) {
                    packIndexes.add(key);
                  }
                }
                return null;
              } finally {
                uploadSlots.release();
                if (data) {
                  dataPacks.release();
                }
              }
            });
    synchronized (uploads) {
      uploads.add(f);
    }
  }

  /** Puts the blobs of a stored pack in the index: from now on they count as stored. */
  private void indexed(List<BlobIndex.Location> blobs) {
    synchronized (newBlobs) {
      for (BlobIndex.Location l : blobs) {
        if (!index.add(
            l.id(), l.pack(), l.offset(), l.length(), l.rawLength(), l.type(), l.codec())) {
          distrusted.remove(ByteBuffer.wrap(l.id())); // the index keeps the damaged copy's place
        }
        newBlobs.add(l); // this copy, not the one the index may have had before
        pending.remove(ByteBuffer.wrap(l.id()));
      }
    }
  }

  /** Uploads the open packs and waits for every upload; rethrows the first failure. */
  void flush() throws IOException {
    for (BlobType t : BlobType.values()) {
      PackOutput out = outputs[t.ordinal()];
      PackWriter rest = out.closeOpen();
      boolean data = t == BlobType.DATA;
      if (rest != null && rest.blobCount() > 0) {
        upload(out, rest, data);
      } else if (rest != null && data) {
        dataPacks.release();
      }
    }
    List<Future<?>> all;
    synchronized (uploads) {
      all = new ArrayList<>(uploads);
      uploads.clear();
    }
    for (Future<?> f : all) {
      Futures.join(f);
    }
  }

  List<BlobIndex.Location> newBlobs() {
    synchronized (newBlobs) {
      return new ArrayList<>(newBlobs);
    }
  }

  private byte[][] scratch(int len) {
    byte[][] s = scratch.get();
    int need = Compression.bound(len) + repo.cipher().overhead(len) + 64;
    if (s == null || s[1].length < need) {
      s = new byte[][] {new byte[need], new byte[need]};
      scratch.set(s);
    }
    return s;
  }

  private static final byte[] ZEROS = new byte[64 << 10];

  static boolean isZero(byte[] b, int off, int len) {
    for (int p = off; p < off + len; p += ZEROS.length) {
      int n = Math.min(ZEROS.length, off + len - p);
      if (Arrays.mismatch(b, p, p + n, ZEROS, 0, n) >= 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    uploader.shutdownNow();
  }
}
