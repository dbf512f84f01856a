package dev.arca.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.samples.Bf16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** FP32 to BF16 as the real data set converts its weights: round to nearest even, NaN kept. */
class Bf16ConversionTest {
  private static short bf16(int floatBits) {
    return Bf16.fromFloat(Float.intBitsToFloat(floatBits));
  }

  @Test
  void roundsToNearestWithTiesToEven() {
    assertThat(bf16(0x3F80_0000)).isEqualTo((short) 0x3F80); // 1.0 exactly
    assertThat(bf16(0x3F80_7FFF)).isEqualTo((short) 0x3F80); // below half: down
    assertThat(bf16(0x3F80_8001)).isEqualTo((short) 0x3F81); // above half: up
    assertThat(bf16(0x3F80_8000)).isEqualTo((short) 0x3F80); // tie, 0x3F80 even: down
    assertThat(bf16(0x3F81_8000)).isEqualTo((short) 0x3F82); // tie, 0x3F81 odd: up to even
    assertThat(bf16(0xBF81_8000)).isEqualTo((short) 0xBF82); // the same for negatives
    assertThat(bf16(0x3FFF_FFFF)).isEqualTo((short) 0x4000); // carries into the exponent
    assertThat(bf16(0x0000_0001)).isEqualTo((short) 0x0000); // smallest subnormal: to zero
    assertThat(bf16(0x8000_0000)).isEqualTo((short) 0x8000); // -0 stays -0
    assertThat(Bf16.toFloat(Bf16.fromFloat(0.1f))).isEqualTo(0.10009765625f);
  }

  @Test
  void infinitiesStayAndTheLargestFloatsOverflowAsRoundingSays() {
    assertThat(bf16(0x7F80_0000)).isEqualTo((short) 0x7F80);
    assertThat(bf16(0xFF80_0000)).isEqualTo((short) 0xFF80);
    assertThat(bf16(0x7F7F_FFFF)).isEqualTo((short) 0x7F80); // Float.MAX_VALUE rounds up to inf
  }

  @Test
  void nanStaysNan() {
    // NaNs whose payload sits only in the low 16 bits used to round into an infinity or a zero
    for (int bits : new int[] {0x7F80_0001, 0x7FC0_0000, 0x7FFF_FFFF, 0xFF80_0001, 0xFFFF_FFFF}) {
      short h = bf16(bits);
      assertThat(Float.isNaN(Bf16.toFloat(h))).as("0x%08X", bits).isTrue();
      assertThat(h & 0x8000).as("sign of 0x%08X", bits).isEqualTo((bits >>> 16) & 0x8000);
    }
    assertThat(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.NaN)))).isTrue();
  }

  @Test
  void encodeWritesLittleEndianHalves() {
    float[] values = {1f, -2f, 0.5f, Float.NaN};
    ByteBuffer b = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
    Bf16.encode(values, 1, 3, b);
    assertThat(b.array()[0]).isEqualTo((byte) 0x00);
    assertThat(b.array()[1]).isEqualTo((byte) 0xC0); // -2.0 = 0xC000
    assertThat(b.getShort(2)).isEqualTo((short) 0x3F00); // 0.5
    assertThat(Float.isNaN(Bf16.toFloat(b.getShort(4)))).isTrue();
  }
}
