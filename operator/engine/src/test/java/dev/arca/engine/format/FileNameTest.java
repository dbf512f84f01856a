package dev.arca.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Names as strings keep every byte: distinct names stay distinct, and their bytes come back. */
class FileNameTest {
  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  @Test
  void validUtf8DecodesAsUsualAndEveryOtherByteIsEscaped() {
    assertThat(FileName.decode("café 模型 🚀".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("café 模型 🚀");
    assertThat(FileName.decode(hex("61ff62"))).isEqualTo("a\uDCFFb");
    // a surrogate encoded as if it were UTF-8, an overlong '/', a cut sequence, above U+10FFFF
    assertThat(FileName.decode(hex("eda080"))).isEqualTo("\uDCED\uDCA0\uDC80");
    assertThat(FileName.decode(hex("c0af"))).isEqualTo("\uDCC0\uDCAF");
    assertThat(FileName.decode(hex("e282"))).isEqualTo("\uDCE2\uDC82");
    assertThat(FileName.decode(hex("f4908080"))).isEqualTo("\uDCF4\uDC90\uDC80\uDC80");
    assertThat(FileName.isUtf8("a\uDCFFb")).isFalse();
    assertThat(FileName.isUtf8("café 🚀")).isTrue();
  }

  @Test
  void randomBytesComeBackExactlyAndDistinctBytesGiveDistinctNames() {
    SplittableRandom r = new SplittableRandom(18);
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[r.nextInt(1, 9)];
      for (int k = 0; k < b.length; k++) {
        b[k] = (byte) (r.nextBoolean() ? r.nextInt(0x80, 0x100) : r.nextInt(0x20, 0x80));
      }
      String name = FileName.decode(b);
      assertThat(FileName.encode(name)).as(HexFormat.of().formatHex(b)).isEqualTo(b);
      assertThat(FileName.byteLength(name)).isEqualTo(b.length);
      String before = seen.put(name, HexFormat.of().formatHex(b));
      assertThat(before == null || before.equals(HexFormat.of().formatHex(b))).isTrue();
    }
  }

  @Test
  void aValidNameThatLooksLikeAnEscapedOneStaysApart() {
    String replacement = FileName.decode("x\uFFFD".getBytes(StandardCharsets.UTF_8));
    String escaped = FileName.decode(hex("78ff"));

    assertThat(replacement).isNotEqualTo(escaped);
    assertThat(FileName.globView(escaped)).isEqualTo(replacement);
    assertThat(FileName.display(escaped)).isEqualTo("x\\xff");
    assertThat(FileName.display(replacement)).isEqualTo("x\uFFFD");
  }

  @Test
  void aStringWithOtherLoneSurrogatesIsNoFileName() {
    assertThatThrownBy(() -> FileName.encode("a\uD800"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FileName.encode("\uDC10"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(FileName.display("a\uD800")).isEqualTo("a\uFFFD");
  }
}
