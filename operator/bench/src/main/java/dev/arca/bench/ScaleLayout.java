package dev.arca.bench;

/**
 * The shape of a simulated repository for {@link ScaleSim}: a training run's checkpoints, each a
 * list of 4 MiB tensor pieces. Checkpoint 0 stores all its pieces; every later checkpoint keeps one
 * piece in {@link #FROZEN_EVERY} (the frozen tensors, deduplicated against checkpoint 0) and stores
 * the rest anew. Pieces are numbered in the order a backup would store them, and that number alone
 * gives a piece's id, stored size and pack, so nothing is held in memory per chunk.
 *
 * @param chunks distinct chunks in the repository (as asked; the layout rounds down to whole
 *     checkpoints)
 * @param checkpoints how many checkpoints the run wrote
 * @param perCheckpoint pieces per checkpoint
 * @param chunksPerPack data chunks per pack
 * @param seed what ids are drawn from
 */
record ScaleLayout(long chunks, int checkpoints, long perCheckpoint, int chunksPerPack, long seed) {
  /** One piece in this many is frozen: the same bytes in every checkpoint. */
  static final int FROZEN_EVERY = 4;

  /** A tensor piece's plaintext length ({@code tensorPiece}). */
  static final int RAW = 4 << 20;

  /** The layout that holds about {@code chunks} distinct chunks in {@code checkpoints}. */
  static ScaleLayout of(long chunks, int checkpoints, int chunksPerPack, long seed) {
    double perChunk = 1 + (checkpoints - 1) * (1 - 1.0 / FROZEN_EVERY);
    long per = Math.max(FROZEN_EVERY, (long) (chunks / perChunk));
    return new ScaleLayout(chunks, checkpoints, per, chunksPerPack, seed);
  }

  /** Pieces of one checkpoint that are stored anew (not frozen). */
  long freshPerCheckpoint() {
    return perCheckpoint - frozen();
  }

  private long frozen() {
    return (perCheckpoint + FROZEN_EVERY - 1) / FROZEN_EVERY;
  }

  /** Distinct chunks: checkpoint 0 whole, the fresh pieces of the others. */
  long distinct() {
    return perCheckpoint + (checkpoints - 1) * freshPerCheckpoint();
  }

  /** Data packs. */
  long packs() {
    return (distinct() + chunksPerPack - 1) / chunksPerPack;
  }

  /** The number (store order) of piece {@code j} of checkpoint {@code k}. */
  long chunkOf(int k, long j) {
    if (k == 0 || j % FROZEN_EVERY == 0) {
      return j;
    }
    long rank = j - (j / FROZEN_EVERY + 1);
    return perCheckpoint + (k - 1) * freshPerCheckpoint() + rank;
  }

  /** Chunk {@code n}'s id: 32 bytes as uniform as HMAC-SHA256 output. */
  byte[] chunkId(long n) {
    return bytes(n, 0x6368756e6bL);
  }

  /** Pack {@code p}'s id. */
  byte[] packId(long p) {
    return bytes(p, 0x7061636bL);
  }

  /** Chunk {@code n}'s stored (sealed) length: about 77% of the piece, as BF16 weights compress. */
  int storedLength(long n) {
    return 3_100_000 + (int) ((mix(seed ^ n * 31 + 7) >>> 40) % 400_000);
  }

  private byte[] bytes(long n, long salt) {
    byte[] out = new byte[32];
    for (int i = 0; i < 4; i++) {
      long v = mix(seed ^ salt * 0x9e3779b97f4a7c15L ^ (n * 4 + i) * 0xbf58476d1ce4e5b9L);
      for (int b = 0; b < 8; b++) {
        out[i * 8 + b] = (byte) (v >>> (56 - 8 * b));
      }
    }
    return out;
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
