package dev.arca.engine.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.arca.engine.ArcaException;

/**
 * Compression codecs, identified in the repository by one byte: {@link #NONE} (stored as is),
 * {@link #ZSTD}, and the float-grouped codecs {@link #GROUPED_BF16}, {@link #GROUPED_F16} and
 * {@link #GROUPED_F32} for tensor chunks (see {@link FloatGrouping}: a 4-byte little-endian length,
 * the zstd frame of the exponent stream, then the other streams as they are). zstd contexts are
 * reused per thread. Data that does not shrink by at least {@link #MIN_SAVING} is stored raw, after
 * a cheap probe of its start for large inputs.
 */
public final class Compression {
  public static final byte NONE = 0;
  public static final byte ZSTD = 1;
  public static final byte GROUPED_BF16 = 2;
  public static final byte GROUPED_F16 = 3;
  public static final byte GROUPED_F32 = 4;
  static final double MIN_SAVING = 0.03;
  private static final int PROBE = 64 << 10;

  private final int level;
  private final ThreadLocal<ZstdCompressCtx> compressors;
  private final ThreadLocal<ZstdCompressCtx> exponentCompressors;
  private final ThreadLocal<ZstdDecompressCtx> decompressors =
      ThreadLocal.withInitial(ZstdDecompressCtx::new);
  private final ThreadLocal<byte[]> scratch = new ThreadLocal<>();
  private final ThreadLocal<byte[]> groups = new ThreadLocal<>();

  /** A compressed blob: its codec and length ({@link #NONE}: store the input as it is). */
  public record Packed(byte codec, int length) {}

  /**
   * Compresses a chunk, byte-grouped when {@code floatKind} names its element type (a {@link
   * FloatGrouping} kind) and grouping gives fewer bytes than plain zstd, with plain zstd otherwise.
   * {@code out} must hold {@link #bound} bytes.
   */
  public Packed pack(byte[] in, int off, int len, byte[] out, byte floatKind) {
    int width = FloatGrouping.width(floatKind);
    if (width == 0 || len % width != 0 || len < 64) {
      int n = compress(in, off, len, out);
      return n < 0 ? new Packed(NONE, len) : new Packed(ZSTD, n);
    }
    byte[] g = buffer(groups, len);
    FloatGrouping.split(floatKind, in, off, len, g);
    int values = len / width;
    int z = exponentCompressors.get().compressByteArray(out, 4, out.length - 4, g, 0, values);
    int total = 4 + z + (len - values);
    // plain zstd wins unless grouping is smaller (out still holds the grouped streams)
    byte[] plainOut = scratch(bound(len));
    int plain = compressWithin(in, off, len, plainOut, Math.min(total - 1, len * (1 - MIN_SAVING)));
    if (plain >= 0) {
      System.arraycopy(plainOut, 0, out, 0, plain);
      return new Packed(ZSTD, plain);
    }
    if (total > len * (1 - MIN_SAVING)) {
      return new Packed(NONE, len);
    }
    out[0] = (byte) z;
    out[1] = (byte) (z >>> 8);
    out[2] = (byte) (z >>> 16);
    out[3] = (byte) (z >>> 24);
    System.arraycopy(g, values, out, 4 + z, len - values);
    return new Packed((byte) (GROUPED_BF16 + floatKind - FloatGrouping.BF16), total);
  }

  public Compression(int level) {
    this.level = level;
    // Exponent streams have a tiny alphabet: a small hash table is faster and finds as much.
    this.exponentCompressors =
        ThreadLocal.withInitial(
            () -> {
              ZstdCompressCtx c = new ZstdCompressCtx();
              c.setLevel(level);
              c.setHashLog(12);
              c.setChecksum(false);
              return c;
            });
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
    return len < 64 ? -1 : compressWithin(in, off, len, out, len * (1 - MIN_SAVING));
  }

  /**
   * Plain zstd into {@code out}, if the result is at most {@code limit} bytes; -1 otherwise. Inputs
   * over four probes are first judged by zstd of their first {@link #PROBE} bytes, and compressed
   * in full only when that ratio promises to stay within the limit.
   */
  private int compressWithin(byte[] in, int off, int len, byte[] out, double limit) {
    ZstdCompressCtx ctx = compressors.get();
    if (len > 4 * PROBE) {
      byte[] probe = scratch(bound(PROBE));
      int n = ctx.compressByteArray(probe, 0, probe.length, in, off, PROBE);
      if (n > PROBE * limit / len) {
        return -1;
      }
    }
    int n = ctx.compressByteArray(out, 0, out.length, in, off, len);
    return n > limit ? -1 : n;
  }

  /** Decompresses a blob stored with {@code codec} into exactly {@code rawLength} bytes. */
  public byte[] decompress(byte codec, byte[] in, int off, int len, int rawLength, String what) {
    byte[] out = new byte[rawLength];
    decompressInto(codec, in, off, len, rawLength, what, out, 0);
    return out;
  }

  /**
   * Decompresses a blob stored with {@code codec} into exactly {@code rawLength} bytes at {@code
   * out[outOff..]}; {@code what} names the blob in errors.
   */
  public void decompressInto(
      byte codec, byte[] in, int off, int len, int rawLength, String what, byte[] out, int outOff) {
    if (codec == NONE) {
      if (len != rawLength) {
        throw ArcaException.integrity(what + " is damaged: stored length does not match");
      }
      System.arraycopy(in, off, out, outOff, len);
      return;
    }
    if (codec >= GROUPED_BF16 && codec <= GROUPED_F32) {
      ungroup(
          (byte) (FloatGrouping.BF16 + codec - GROUPED_BF16),
          in,
          off,
          len,
          rawLength,
          what,
          out,
          outOff);
      return;
    }
    if (codec != ZSTD) {
      throw ArcaException.integrity(what + " uses unknown compression codec " + codec);
    }
    int n;
    try {
      n = decompressors.get().decompressByteArray(out, outOff, rawLength, in, off, len);
    } catch (RuntimeException e) {
      throw ArcaException.integrity(what + " is damaged: zstd cannot decode it");
    }
    if (n != rawLength) {
      throw ArcaException.integrity(what + " is damaged: decoded length does not match");
    }
  }

  private void ungroup(
      byte kind, byte[] in, int off, int len, int rawLength, String what, byte[] out, int outOff) {
    int values = rawLength / FloatGrouping.width(kind);
    int z =
        len < 4
            ? -1
            : (in[off] & 0xff)
                | (in[off + 1] & 0xff) << 8
                | (in[off + 2] & 0xff) << 16
                | (in[off + 3] & 0xff) << 24;
    if (z < 0 || 4L + z + (rawLength - values) != len) {
      throw ArcaException.integrity(what + " is damaged: grouped stream lengths do not match");
    }
    byte[] g = buffer(groups, values);
    int n;
    try {
      n = decompressors.get().decompressByteArray(g, 0, values, in, off + 4, z);
    } catch (RuntimeException e) {
      throw ArcaException.integrity(what + " is damaged: zstd cannot decode it");
    }
    if (n != values) {
      throw ArcaException.integrity(what + " is damaged: decoded length does not match");
    }
    FloatGrouping.join(kind, g, 0, in, off + 4 + z, rawLength, out, outOff);
  }

  private byte[] scratch(int size) {
    return buffer(scratch, size);
  }

  private static byte[] buffer(ThreadLocal<byte[]> holder, int size) {
    byte[] b = holder.get();
    if (b == null || b.length < size) {
      b = new byte[size];
      holder.set(b);
    }
    return b;
  }
}
