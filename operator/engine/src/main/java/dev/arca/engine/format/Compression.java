package dev.arca.engine.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.arca.engine.ArcaException;

/**
 * Compression codecs, identified in the repository by one byte: {@link #NONE} (stored as is) and
 * {@link #ZSTD}. zstd contexts are reused per thread. Data that does not shrink by at least {@link
 * #MIN_SAVING} is stored raw, after a cheap probe of its start for large inputs.
 */
public final class Compression {
  public static final byte NONE = 0;
  public static final byte ZSTD = 1;
  static final double MIN_SAVING = 0.03;
  private static final int PROBE = 64 << 10;

  private final int level;
  private final ThreadLocal<ZstdCompressCtx> compressors;
  private final ThreadLocal<ZstdDecompressCtx> decompressors =
      ThreadLocal.withInitial(ZstdDecompressCtx::new);
  private final ThreadLocal<byte[]> scratch = new ThreadLocal<>();

  public Compression(int level) {
    this.level = level;
    this.compressors =
        ThreadLocal.withInitial(
            () -> {
              ZstdCompressCtx c = new ZstdCompressCtx();
              c.setLevel(level);
              c.setChecksum(false);
              return c;
            });
  }

  public int level() {
    return level;
  }

  /** Worst-case output size for {@code len} input bytes. */
  public static int bound(int len) {
    return (int) Zstd.compressBound(len);
  }

  /**
   * Compresses {@code in[off..off+len)} into {@code out} (at least {@link #bound} long).
   *
   * @return the compressed length, or -1 when compression does not pay (store raw)
   */
  public int compress(byte[] in, int off, int len, byte[] out) {
    if (len < 64) {
      return -1;
    }
    ZstdCompressCtx ctx = compressors.get();
    if (len > 4 * PROBE) {
      byte[] probe = scratch(bound(PROBE));
      int n = ctx.compressByteArray(probe, 0, probe.length, in, off, PROBE);
      if (n > PROBE * (1 - MIN_SAVING)) {
        return -1;
      }
    }
    int n = ctx.compressByteArray(out, 0, out.length, in, off, len);
    return n > len * (1 - MIN_SAVING) ? -1 : n;
  }

  /** Decompresses a blob stored with {@code codec} into exactly {@code rawLength} bytes. */
  public byte[] decompress(byte codec, byte[] in, int off, int len, int rawLength, String what) {
    if (codec == NONE) {
      if (len != rawLength) {
        throw ArcaException.integrity(what + " is damaged: stored length does not match");
      }
      byte[] out = new byte[len];
      System.arraycopy(in, off, out, 0, len);
      return out;
    }
    if (codec != ZSTD) {
      throw ArcaException.integrity(what + " uses unknown compression codec " + codec);
    }
    byte[] out = new byte[rawLength];
    int n;
    try {
      n = decompressors.get().decompressByteArray(out, 0, rawLength, in, off, len);
    } catch (RuntimeException e) {
      throw ArcaException.integrity(what + " is damaged: zstd cannot decode it");
    }
    if (n != rawLength) {
      throw ArcaException.integrity(what + " is damaged: decoded length does not match");
    }
    return out;
  }

  private byte[] scratch(int size) {
    byte[] b = scratch.get();
    if (b == null || b.length < size) {
      b = new byte[size];
      scratch.set(b);
    }
    return b;
  }
}
