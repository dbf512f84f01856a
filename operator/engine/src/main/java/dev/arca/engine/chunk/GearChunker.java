package dev.arca.engine.chunk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Content-defined chunking with a gear rolling hash and FastCDC's normalised cut masks: below the
 * average size a stricter mask, above it a looser one, so sizes cluster around the average. The
 * gear table comes from a per-repository secret seed, so cut points do not leak content
 * fingerprints across repositories. Stateless and thread-safe.
 */
public final class GearChunker {
  private final long[] gear = new long[256];
  private final int min;
  private final int avg;
  private final int max;
  private final long maskStrict;
  private final long maskLoose;

  public GearChunker(byte[] seed, int min, int avg, int max) {
    if (!(0 < min && min < avg && avg < max) || Integer.bitCount(avg) != 1) {
      throw new IllegalArgumentException(
          "chunk sizes must be 0 < min < avg < max, avg a power of 2");
    }
    this.min = min;
    this.avg = avg;
    this.max = max;
    int bits = Integer.numberOfTrailingZeros(avg);
    this.maskStrict = highBits(bits + 2);
    this.maskLoose = highBits(bits - 2);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(seed, "HmacSHA256"));
      for (int i = 0; i < 256; i++) {
        mac.update(("gear-" + i).getBytes(StandardCharsets.US_ASCII));
        gear[i] = ByteBuffer.wrap(mac.doFinal()).getLong();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long highBits(int n) {
    return n >= 64 ? -1L : ((1L << n) - 1) << (64 - n);
  }

  public int maxSize() {
    return max;
  }

  public int minSize() {
    return min;
  }

  /**
   * Length of the chunk that starts at {@code b[off]}, given {@code len} available bytes. Callers
   * pass at least {@link #maxSize()} bytes unless the input ends sooner; the answer is then final.
   */
  public int cut(byte[] b, int off, int len) {
    if (len <= min) {
      return len;
    }
    int n = Math.min(len, max);
    if (n == max && isZero(b, off, n)) {
      // Runs of zeros (sparse files, preallocated images) cut the same way every time.
      int z = zeroCut;
      if (z == 0) {
        z = scan(new byte[max], 0, max);
        zeroCut = z;
      }
      return z;
    }
    return scan(b, off, n);
  }

  private volatile int zeroCut;
  private static final byte[] ZEROS = new byte[64 << 10];

  private static boolean isZero(byte[] b, int off, int len) {
    for (int p = off; p < off + len; p += ZEROS.length) {
      int k = Math.min(ZEROS.length, off + len - p);
      if (java.util.Arrays.mismatch(b, p, p + k, ZEROS, 0, k) >= 0) {
        return false;
      }
    }
    return true;
  }

  private int scan(byte[] b, int off, int n) {
    int normal = Math.min(avg, n);
    long h = 0;
    int i = min;
    for (; i < normal; i++) {
      h = (h << 1) + gear[b[off + i] & 0xff];
      if ((h & maskStrict) == 0) {
        return i + 1;
      }
    }
    for (; i < n; i++) {
      h = (h << 1) + gear[b[off + i] & 0xff];
      if ((h & maskLoose) == 0) {
        return i + 1;
      }
    }
    return n;
  }
}
