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
        int fast = n & ~7;
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
        int fast = n & ~7;
        for (int from = 0; from < fast; from += BLOCK) {
          splitF32(in, off, n, out, from, Math.min(fast, from + BLOCK));
        }
        for (int i = fast; i < n; i++) {
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

  /** Values per call of the inner loops: small calls get compiled early by the JIT. */
  private static final int BLOCK = 16 << 10;

  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGH1 = 0x8080808080808080L;
  private static final long LOW1 = 0x0101010101010101L;

  /**
   * Eight values at a time. The low bytes L and high bytes H of the eight values are gathered into
   * one long each, then every byte lane is mapped at once: E = (H &lt;&lt; 1) | (L &gt;&gt;&gt; 7)
   * and S = sign of H | low 7 bits of L.
   */
  private static void splitBf16(byte[] in, int off, int n, byte[] out, int from, int to) {
    for (int i = from; i < to; i += 8) {
      long v0 = (long) LE_LONG.get(in, off + 2 * i);
      long v1 = (long) LE_LONG.get(in, off + 2 * i + 8);
      long lo = compact(v0) | compact(v1) << 32;
      long hi = compact(v0 >>> 8) | compact(v1 >>> 8) << 32;
      LE_LONG.set(out, i, ((hi & LOW7) << 1) | ((lo >>> 7) & LOW1));
      LE_LONG.set(out, n + i, (hi & HIGH1) | (lo & LOW7));
    }
  }

  /** Inverse of {@link #splitBf16}, eight values at a time. */
  private static void joinBf16(
      byte[] exp, int expOff, byte[] rest, int restOff, byte[] out, int outOff, int from, int to) {
    for (int i = from; i < to; i += 8) {
      long e = (long) LE_LONG.get(exp, expOff + i);
      long s = (long) LE_LONG.get(rest, restOff + i);
      long lo = ((e & LOW1) << 7) | (s & LOW7);
      long hi = (s & HIGH1) | ((e >>> 1) & LOW7);
      LE_LONG.set(out, outOff + 2 * i, spread(lo) | spread(hi) << 8);
      LE_LONG.set(out, outOff + 2 * i + 8, spread(lo >>> 32) | spread(hi >>> 32) << 8);
    }
  }

  /**
   * {@link #splitBf16} for F32: byte k of each of the eight values is gathered into one long, then
   * the two high bytes are mapped to E and S as for BF16 and the two low bytes are copied.
   */
  private static void splitF32(byte[] in, int off, int n, byte[] out, int from, int to) {
    for (int i = from; i < to; i += 8) {
      int at = off + 4 * i;
      long v0 = (long) LE_LONG.get(in, at);
      long v1 = (long) LE_LONG.get(in, at + 8);
      long v2 = (long) LE_LONG.get(in, at + 16);
      long v3 = (long) LE_LONG.get(in, at + 24);
      long b2 = gather(v0, v1, v2, v3, 16);
      long b3 = gather(v0, v1, v2, v3, 24);
      LE_LONG.set(out, i, ((b3 & LOW7) << 1) | ((b2 >>> 7) & LOW1));
      LE_LONG.set(out, n + i, (b3 & HIGH1) | (b2 & LOW7));
      LE_LONG.set(out, 2 * n + i, gather(v0, v1, v2, v3, 8));
      LE_LONG.set(out, 3 * n + i, gather(v0, v1, v2, v3, 0));
    }
  }

  /** The byte at {@code shift} of each 32-bit lane of four longs (eight values), in order. */
  private static long gather(long v0, long v1, long v2, long v3, int shift) {
    return pair(v0 >>> shift)
        | pair(v1 >>> shift) << 16
        | pair(v2 >>> shift) << 32
        | pair(v3 >>> shift) << 48;
  }

  /** The low byte of each of two 32-bit lanes, in the low 16 bits. */
  private static long pair(long lanes) {
    return (lanes & 0xFF) | ((lanes >>> 24) & 0xFF00);
  }

  /**
   * Inverse of {@link #splitF32}: the two high bytes of eight values are rebuilt as in {@link
   * #joinBf16} and interleaved with the two low bytes, 16 bits at a time.
   */
  private static void joinF32(
      byte[] exp,
      int expOff,
      byte[] rest,
      int restOff,
      int n,
      byte[] out,
      int outOff,
      int from,
      int to) {
    for (int i = from; i < to; i += 8) {
      long e = (long) LE_LONG.get(exp, expOff + i);
      long s = (long) LE_LONG.get(rest, restOff + i);
      long b1 = (long) LE_LONG.get(rest, restOff + n + i);
      long b0 = (long) LE_LONG.get(rest, restOff + 2 * n + i);
      long b2 = ((e & LOW1) << 7) | (s & LOW7);
      long b3 = (s & HIGH1) | ((e >>> 1) & LOW7);
      int at = outOff + 4 * i;
      for (int half = 0; half < 64; half += 32) {
        long low = spread(b0 >>> half) | spread(b1 >>> half) << 8; // bytes 0, 1 of four values
        long high = spread(b2 >>> half) | spread(b3 >>> half) << 8; // bytes 2, 3
        LE_LONG.set(out, at, spread16(low) | spread16(high) << 16);
        LE_LONG.set(out, at + 8, spread16(low >>> 32) | spread16(high >>> 32) << 16);
        at += 16;
      }
    }
  }

  /** Spreads the low two 16-bit lanes into the low halves of two 32-bit lanes. */
  private static long spread16(long v) {
    long x = v & 0xFFFFFFFFL;
    return (x | x << 16) & 0x0000FFFF0000FFFFL;
  }

  /** Gathers the low byte of each of four 16-bit lanes into the low 32 bits. */
  private static long compact(long lanes) {
    long x = lanes & 0x00FF00FF00FF00FFL;
    x = (x | x >>> 8) & 0x0000FFFF0000FFFFL;
    return (x | x >>> 16) & 0xFFFFFFFFL;
  }

  /** Spreads the low 4 bytes into the low bytes of four 16-bit lanes. */
  private static long spread(long v) {
    long x = v & 0xFFFFFFFFL;
    x = (x | x << 16) & 0x0000FFFF0000FFFFL;
    return (x | x << 8) & 0x00FF00FF00FF00FFL;
  }

  /** Inverse of {@link #split}: rebuilds {@code len} value bytes from the streams in {@code in}. */
  public static void join(byte kind, byte[] in, int len, byte[] out, int outOff) {
    join(kind, in, 0, in, len / width(kind), len, out, outOff);
  }

  /**
   * Inverse of {@link #split} with the exponent stream at {@code exp[expOff..]} and the other
   * streams one after another at {@code rest[restOff..]}, so that a decoder need not first copy
   * them together.
   */
  public static void join(
      byte kind,
      byte[] exp,
      int expOff,
      byte[] rest,
      int restOff,
      int len,
      byte[] out,
      int outOff) {
    switch (kind) {
      case BF16 -> {
        int n = len / 2;
        int fast = n & ~7;
        for (int from = 0; from < fast; from += BLOCK) {
          joinBf16(exp, expOff, rest, restOff, out, outOff, from, Math.min(fast, from + BLOCK));
        }
        for (int i = fast; i < n; i++) {
          int e = exp[expOff + i] & 0xff;
          int s = rest[restOff + i] & 0xff;
          out[outOff + 2 * i] = (byte) (((e & 1) << 7) | (s & 0x7f));
          out[outOff + 2 * i + 1] = (byte) ((s & 0x80) | (e >>> 1));
        }
      }
      case F16 -> {
        int n = len / 2;
        for (int i = 0; i < n; i++) {
          out[outOff + 2 * i + 1] = exp[expOff + i];
          out[outOff + 2 * i] = rest[restOff + i];
        }
      }
      case F32 -> {
        int n = len / 4;
        int fast = n & ~7;
        for (int from = 0; from < fast; from += BLOCK) {
          joinF32(exp, expOff, rest, restOff, n, out, outOff, from, Math.min(fast, from + BLOCK));
        }
        for (int i = fast; i < n; i++) {
          int e = exp[expOff + i] & 0xff;
          int s = rest[restOff + i] & 0xff;
          out[outOff + 4 * i] = rest[restOff + 2 * n + i];
          out[outOff + 4 * i + 1] = rest[restOff + n + i];
          out[outOff + 4 * i + 2] = (byte) (((e & 1) << 7) | (s & 0x7f));
          out[outOff + 4 * i + 3] = (byte) ((s & 0x80) | (e >>> 1));
        }
      }
      default -> throw new IllegalArgumentException("unknown float kind " + kind);
    }
  }
}
