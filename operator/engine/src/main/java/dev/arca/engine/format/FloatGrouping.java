package dev.arca.engine.format;

/**
 * Byte grouping of floating-point tensors, lossless: the exponent byte of every value is moved into
 * one stream (low entropy, compressed by zstd) and the sign and mantissa bytes into others (noise,
 * stored as they are). Values are little endian, as in safetensors.
 *
 * <ul>
 *   <li>{@link #BF16}: stream E = the 8 exponent bits, stream S = sign bit and 7 mantissa bits.
 *   <li>{@link #F32}: stream E = the 8 exponent bits, then sign + top 7 mantissa bits, then the two
 *       low mantissa bytes.
 *   <li>{@link #F16}: stream E = the high byte (sign, 5 exponent bits, 2 mantissa bits), then the
 *       low byte.
 * </ul>
 *
 * The first stream (one byte per value) is the one worth compressing; {@link #split} writes all
 * streams one after another, exponent stream first.
 */
public final class FloatGrouping {
  /** Element kinds, also used as chunk hints: 0 means "not a float tensor". */
  public static final byte NONE = 0;

  public static final byte BF16 = 1;
  public static final byte F16 = 2;
  public static final byte F32 = 3;

  private FloatGrouping() {}

  /** Bytes per value of a kind. */
  public static int width(byte kind) {
    return switch (kind) {
      case BF16, F16 -> 2;
      case F32 -> 4;
      default -> 0;
    };
  }

  /** The kind for a safetensors dtype, or {@link #NONE}. */
  public static byte ofDtype(String dtype) {
    if (dtype == null) {
      return NONE;
    }
    return switch (dtype) {
      case "BF16" -> BF16;
      case "F16" -> F16;
      case "F32" -> F32;
      default -> NONE;
    };
  }

  /** Writes the grouped streams of {@code in[off..off+len)} to {@code out[0..len)}. */
  public static void split(byte kind, byte[] in, int off, int len, byte[] out) {
    switch (kind) {
      case BF16 -> {
        int n = len / 2;
        int fast = n & ~3;
        for (int from = 0; from < fast; from += BLOCK) {
          splitBf16(in, off, n, out, from, Math.min(fast, from + BLOCK));
        }
        for (int i = fast; i < n; i++) {
          int lo = in[off + 2 * i] & 0xff;
          int hi = in[off + 2 * i + 1] & 0xff;
          out[i] = (byte) (((hi & 0x7f) << 1) | (lo >>> 7));
          out[n + i] = (byte) ((hi & 0x80) | (lo & 0x7f));
        }
      }
      case F16 -> {
        int n = len / 2;
        for (int i = 0; i < n; i++) {
          out[i] = in[off + 2 * i + 1];
          out[n + i] = in[off + 2 * i];
        }
      }
      case F32 -> {
        int n = len / 4;
        for (int i = 0; i < n; i++) {
          int b0 = in[off + 4 * i] & 0xff;
          int b1 = in[off + 4 * i + 1] & 0xff;
          int b2 = in[off + 4 * i + 2] & 0xff;
          int b3 = in[off + 4 * i + 3] & 0xff;
          out[i] = (byte) (((b3 & 0x7f) << 1) | (b2 >>> 7));
          out[n + i] = (byte) ((b3 & 0x80) | (b2 & 0x7f));
          out[2 * n + i] = (byte) b1;
          out[3 * n + i] = (byte) b0;
        }
      }
      default -> throw new IllegalArgumentException("unknown float kind " + kind);
    }
  }

  private static final java.lang.invoke.VarHandle LE_LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle LE_INT =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Values per call of the inner loops: small calls get compiled early by the JIT. */
  private static final int BLOCK = 16 << 10;

  /** Four values at a time: 16-bit lanes, low byte = mantissa low bits, high = sign+exponent. */
  private static void splitBf16(byte[] in, int off, int n, byte[] out, int from, int to) {
    for (int i = from; i < to; i += 4) {
      long v = (long) LE_LONG.get(in, off + 2 * i);
      long e = ((v >>> 8) & 0x007F007F007F007FL) << 1 | ((v >>> 7) & 0x0001000100010001L);
      long s = ((v >>> 8) & 0x0080008000800080L) | (v & 0x007F007F007F007FL);
      LE_INT.set(out, i, (int) compact(e));
      LE_INT.set(out, n + i, (int) compact(s));
    }
  }

  private static void joinBf16(byte[] in, int n, byte[] out, int outOff, int from, int to) {
    for (int i = from; i < to; i += 4) {
      long e = spread((int) LE_INT.get(in, i));
      long s = spread((int) LE_INT.get(in, n + i));
      long lo = ((e & 0x0001000100010001L) << 7) | (s & 0x007F007F007F007FL);
      long hi = (s & 0x0080008000800080L) | ((e >>> 1) & 0x007F007F007F007FL);
      LE_LONG.set(out, outOff + 2 * i, lo | (hi << 8));
    }
  }

  /** Gathers the low byte of each 16-bit lane into the low 32 bits. */
  private static long compact(long lanes) {
    return (lanes & 0xFFL)
        | ((lanes >>> 8) & 0xFF00L)
        | ((lanes >>> 16) & 0xFF0000L)
        | ((lanes >>> 24) & 0xFF000000L);
  }

  /** Spreads 4 bytes into the low bytes of four 16-bit lanes. */
  private static long spread(int x) {
    long v = x & 0xFFFFFFFFL;
    return (v & 0xFFL) | ((v & 0xFF00L) << 8) | ((v & 0xFF0000L) << 16) | ((v & 0xFF000000L) << 24);
  }

  /** Inverse of {@link #split}: rebuilds {@code len} value bytes from the streams in {@code in}. */
  public static void join(byte kind, byte[] in, int len, byte[] out, int outOff) {
    switch (kind) {
      case BF16 -> {
        int n = len / 2;
        int fast = n & ~3;
        for (int from = 0; from < fast; from += BLOCK) {
          joinBf16(in, n, out, outOff, from, Math.min(fast, from + BLOCK));
        }
        for (int i = fast; i < n; i++) {
          int e = in[i] & 0xff;
          int s = in[n + i] & 0xff;
          out[outOff + 2 * i] = (byte) (((e & 1) << 7) | (s & 0x7f));
          out[outOff + 2 * i + 1] = (byte) ((s & 0x80) | (e >>> 1));
        }
      }
      case F16 -> {
        int n = len / 2;
        for (int i = 0; i < n; i++) {
          out[outOff + 2 * i + 1] = in[i];
          out[outOff + 2 * i] = in[n + i];
        }
      }
      case F32 -> {
        int n = len / 4;
        for (int i = 0; i < n; i++) {
          int e = in[i] & 0xff;
          int s = in[n + i] & 0xff;
          out[outOff + 4 * i] = in[3 * n + i];
          out[outOff + 4 * i + 1] = in[2 * n + i];
          out[outOff + 4 * i + 2] = (byte) (((e & 1) << 7) | (s & 0x7f));
          out[outOff + 4 * i + 3] = (byte) ((s & 0x80) | (e >>> 1));
        }
      }
      default -> throw new IllegalArgumentException("unknown float kind " + kind);
    }
  }
}
