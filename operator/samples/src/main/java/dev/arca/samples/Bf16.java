package dev.arca.samples;

import java.util.SplittableRandom;

/** bfloat16 conversion and bulk generation of normally distributed BF16 values. */
public final class Bf16 {
  /** Standard deviation of generated weights, a common initialiser for transformer weights. */
  public static final double WEIGHT_STD = 0.02;

  private Bf16() {}

  /**
   * Rounds a float to bfloat16 (round to nearest, ties to even) and returns its 16 bits. Infinities
   * stay infinite, and a NaN stays a NaN (quieted, with its sign and upper payload bits): rounding
   * its bits as a number could carry into the exponent and make it an infinity or zero.
   */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** Widens bfloat16 bits to a float. */
  public static float toFloat(short bf16) {
    return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
  }

  /**
   * Puts {@code count} floats of {@code src} from {@code from} on into {@code dst} as BF16 ({@link
   * #fromFloat}), in {@code dst}'s byte order.
   */
  public static void encode(float[] src, int from, int count, java.nio.ByteBuffer dst) {
    for (int i = from; i < from + count; i++) {
      dst.putShort(fromFloat(src[i]));
    }
  }

  /**
   * Writes {@code count} little-endian BF16 values drawn from N(mean, std) into {@code dst} from
   * {@code offset} on.
   */
  public static void fillGaussian(
      SplittableRandom random, double mean, double std, byte[] dst, int offset, int count) {
    int at = offset;
    for (int i = 0; i < count; i++) {
      short v = fromFloat((float) (mean + std * random.nextGaussian()));
      dst[at] = (byte) v;
      dst[at + 1] = (byte) (v >>> 8);
      at += 2;
    }
  }
}
