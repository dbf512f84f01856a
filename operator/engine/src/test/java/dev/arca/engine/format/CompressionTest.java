package dev.arca.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every codec gives back exactly what it was given, on real-looking and adversarial data. */
class CompressionTest {
  private final Compression c = new Compression(1);

  private static byte[] weights(byte kind, int values, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int w = FloatGrouping.width(kind);
    ByteBuffer b = ByteBuffer.allocate(values * w).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values; i++) {
      float f = (float) (r.nextGaussian() * 0.02);
      switch (kind) {
        case FloatGrouping.BF16 -> b.putShort((short) (Float.floatToRawIntBits(f) >>> 16));
        case FloatGrouping.F16 -> b.putShort(half(f));
        default -> b.putFloat(f);
      }
    }
    return b.array();
  }

  /** float to IEEE half by truncation (tiny values flushed to zero): enough for test data. */
  private static short half(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = (bits >>> 13) & 0x3ff;
    return (short) (exp <= 0 ? sign : exp >= 31 ? sign | 0x7c00 : sign | exp << 10 | mant);
  }

  private byte[] roundTrip(byte[] data, byte kind) {
    byte[] out = new byte[Compression.bound(data.length) + 16];
    Compression.Packed p = c.pack(data, 0, data.length, out, kind);
    byte[] stored = p.codec() == Compression.NONE ? data : Arrays.copyOf(out, p.length());
    byte[] back = c.decompress(p.codec(), stored, 0, stored.length, data.length, "test blob");
    assertThat(back).isEqualTo(data);
    return stored;
  }

  @ParameterizedTest
  @CsvSource({"1,0.72", "2,0.92", "3,0.90"})
  void groupedFloatsRoundTripAndBeatPlainZstd(byte kind, double maxRatio) {
    byte[] data = weights(kind, 1 << 20, 7);
    byte[] stored = roundTrip(data, kind);
    assertThat((double) stored.length / data.length).isLessThan(maxRatio);
    byte[] plain = new byte[Compression.bound(data.length)];
    int z = c.compress(data, 0, data.length, plain);
    assertThat(stored.length).isLessThan(z < 0 ? data.length : z);
  }

  @ParameterizedTest
  @ValueSource(ints = {64 << 10, 1 << 20})
  void groupingIsChosenOnlyWhenSmallerThanPlainZstd(int len) {
    // a tensor that repeats one block: plain zstd finds the repeats, grouping would keep the
    // mantissa bytes of every value
    byte[] block = weights(FloatGrouping.BF16, 2048, 11);
    byte[] data = new byte[len];
    for (int p = 0; p < len; p += block.length) {
      System.arraycopy(block, 0, data, p, Math.min(block.length, len - p));
    }
    byte[] out = new byte[Compression.bound(len)];
    Compression.Packed p = c.pack(data, 0, len, out, FloatGrouping.BF16);
    assertThat(p.codec()).isEqualTo(Compression.ZSTD);
    assertThat(p.length()).isLessThan(len / 10);
    assertThat(roundTrip(data, FloatGrouping.BF16).length).isEqualTo(p.length());

    byte[] weights = weights(FloatGrouping.BF16, len / 2, 12);
    assertThat(c.pack(weights, 0, len, out, FloatGrouping.BF16).codec())
        .isEqualTo(Compression.GROUPED_BF16);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 5, 63, 64, 65, 66, 67, 1001, 4097})
  void oddLengthsAndTailsRoundTripForEveryKind(int len) {
    byte[] data = weights(FloatGrouping.F32, len / 4 + 1, len);
    data = Arrays.copyOf(data, len);
    for (byte kind = 0; kind <= FloatGrouping.F32; kind++) {
      roundTrip(data, kind);
    }
  }

  @ParameterizedTest
  @ValueSource(bytes = {0, 1, 2, 3})
  void adversarialDataRoundTrips(byte kind) {
    byte[] random = new byte[1 << 18];
    new SplittableRandom(3).nextBytes(random);
    assertThat(roundTrip(random, kind)).isSameAs(random); // incompressible: stored raw
    roundTrip(new byte[1 << 18], kind);
    byte[] nans = new byte[1 << 16];
    Arrays.fill(nans, (byte) 0xff);
    roundTrip(nans, kind);
    byte[] alternating = new byte[1 << 16];
    for (int i = 0; i < alternating.length; i++) {
      alternating[i] = (byte) (i % 3 == 0 ? 0x80 : 0x7f);
    }
    roundTrip(alternating, kind);
  }

  @ParameterizedTest
  @ValueSource(bytes = {1, 2, 3, 4})
  void corruptedPayloadsFailWithAClearError(byte codec) {
    byte[] data = weights(FloatGrouping.F32, 1 << 14, 9);
    byte[] out = new byte[Compression.bound(data.length)];
    byte kind = codec == 1 ? FloatGrouping.NONE : (byte) (codec - 1);
    Compression.Packed p = c.pack(data, 0, data.length, out, kind);
    assertThat(p.codec()).isEqualTo(codec);
    byte[] stored = Arrays.copyOf(out, p.length());
    stored[0] ^= 0x55;
    assertThatThrownBy(() -> c.decompress(codec, stored, 0, stored.length, data.length, "blob x"))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("blob x is damaged");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4, 28, 32, 36, 4096, 4100, 1 << 18, (1 << 18) + 12})
  void f32StreamsAreTheFormatsByteForByteAndJoinBack(int len) {
    byte[] data = new byte[len];
    new SplittableRandom(len).nextBytes(data);
    byte[] grouped = new byte[len];
    FloatGrouping.split(FloatGrouping.F32, data, 0, len, grouped);
    int n = len / 4;
    byte[] expected = new byte[len];
    for (int i = 0; i < n; i++) { // FORMAT.md: E, then sign + top 7 mantissa bits, then b1, b0
      int b2 = data[4 * i + 2] & 0xff;
      int b3 = data[4 * i + 3] & 0xff;
      expected[i] = (byte) (((b3 & 0x7f) << 1) | (b2 >>> 7));
      expected[n + i] = (byte) ((b3 & 0x80) | (b2 & 0x7f));
      expected[2 * n + i] = data[4 * i + 1];
      expected[3 * n + i] = data[4 * i];
    }
    assertThat(grouped).isEqualTo(expected);
    byte[] back = new byte[len];
    FloatGrouping.join(FloatGrouping.F32, grouped, len, back, 0);
    assertThat(back).isEqualTo(data);
  }
}
