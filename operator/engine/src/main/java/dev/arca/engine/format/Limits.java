package dev.arca.engine.format;

import dev.arca.engine.ArcaException;

/**
 * The format's size limits (FORMAT.md, "Limits"). Every length read from a repository is checked
 * against them before anything is allocated: a claim over a limit is damage, not a reason to run
 * out of memory. Writers never exceed them.
 */
public final class Limits {
  /** Largest data blob: the chunkers cut at most 8 MiB (safetensors), 4 MiB otherwise. */
  public static final int MAX_DATA_BLOB = 8 << 20;

  /** Largest tree blob (one folder's listing): a backup refuses to write a larger one. */
  public static final int MAX_TREE_BLOB = 256 << 20;

  /** Largest snapshot object, sealed or open. */
  public static final int MAX_SNAPSHOT = 16 << 20;

  /** Largest index object: 200,000 entries of 50 bytes and their pack ids fit well within it. */
  public static final int MAX_INDEX = 64 << 20;

  /** Largest garbage mark (hex pack ids: about 700,000 packs). */
  public static final int MAX_MARK = 64 << 20;

  /** Largest pack: writers close packs at 32 MiB (a pack ends after the blob that passes that). */
  public static final long MAX_PACK = 1L << 30;

  /**
   * The longest path a snapshot can hold, in bytes: a backup reads its sources by absolute paths,
   * which Linux limits to 4096 bytes. Also bounds a name stored as bytes.
   */
  public static final int MAX_PATH = 4096;

  /** Most entries of a snapshot's {@code checkpoints}. */
  public static final int MAX_CHECKPOINTS = 100_000;

  private Limits() {}

  /** The most a sealed object of at most {@code plain} bytes (framed and compressed) can take. */
  public static long sealedBound(long plain) {
    long framed = 1 + plain + plain / 128 + 1024; // codec byte + zstd's worst case
    return 12 + framed + 16 * (framed / (64 << 10) + 1);
  }

  /** The largest plaintext a blob of {@code type} may have. */
  public static int maxBlob(BlobType type) {
    return type == BlobType.TREE ? MAX_TREE_BLOB : MAX_DATA_BLOB;
  }

  /** Fails with an integrity error unless {@code 0 <= value <= max}. */
  public static long check(long value, long max, String what) {
    if (value < 0 || value > max) {
      throw ArcaException.integrity(
          what
              + " is damaged: it claims "
              + value
              + " bytes, more than the format allows ("
              + max
              + ")");
    }
    return value;
  }
}
