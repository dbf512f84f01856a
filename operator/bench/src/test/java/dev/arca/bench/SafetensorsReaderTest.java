package dev.arca.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The header parser accepts well-formed files and rejects crafted ones with a reason. */
class SafetensorsReaderTest {
  @TempDir Path tmp;

  private static final String GOOD =
      "{\"__metadata__\":{\"format\":\"pt\"},"
          + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
          + "\"ids\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[24,40]}}";

  /** A file of {@code header} (declared as {@code declared} bytes long unless null) and data. */
  private Path file(String header, Long declared, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declared != null ? declared : json.length).put(json);
    Path f = tmp.resolve("t" + System.nanoTime() + ".safetensors");
    Files.write(f, b.array());
    return f;
  }

  @Test
  void readsAWellFormedHeader() throws IOException {
    SafetensorsReader.Header h = SafetensorsReader.readHeader(file(GOOD, null, 40));
    assertThat(h.metadata()).containsEntry("format", "pt");
    assertThat(h.entries()).extracting(SafetensorsReader.Entry::name).containsExactly("a", "ids");
    assertThat(h.entry("a").elements()).isEqualTo(6);
    assertThat(h.entry("ids").dtype()).isEqualTo("I64");
    assertThat(h.dataEnd()).isEqualTo(8 + GOOD.length() + 40);
  }

  @Test
  void rejectsBadLengths() throws IOException {
    assertThatThrownBy(() -> SafetensorsReader.readHeader(file(GOOD, 1L << 40, 40)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("header length");
    assertThatThrownBy(() -> SafetensorsReader.readHeader(file(GOOD, GOOD.length() + 41L, 40)))
        .hasMessageContaining("header length");
    assertThatThrownBy(() -> SafetensorsReader.readHeader(file(GOOD, -8L, 40)))
        .hasMessageContaining("header length");
    Path tiny = tmp.resolve("tiny");
    Files.write(tiny, new byte[5]);
    assertThatThrownBy(() -> SafetensorsReader.readHeader(tiny))
        .hasMessageContaining("not a safetensors file");
  }

  @Test
  void rejectsCraftedHeaders() {
    String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}";
    expect("[1,2]", 0, "not a JSON object");
    expect("{" + a + ",\"a\":{}}", 24, "Duplicate field");
    expect("{\"a\":{\"dtype\":\"F31\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", 24, "dtype");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[0,24]}}", 24, "shape");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", 16, "outside");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2,3],\"data_offsets\":[0,24]}}", 24, "number");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[24,0]}}", 24, "outside");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0]}}", 24, "data_offsets");
    expect(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,24]}}",
        24,
        "too large");
    expect("{" + a + "}", 32, "end at 24"); // bytes after the last tensor
    expect(
        "{" + a + ",\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[28,32]}}", 32, "(gap)");
    expect(
        "{" + a + ",\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[20,24]}}",
        24,
        "(overlap)");
    expect("{\"__metadata__\":{\"n\":1}," + a + "}", 24, "not a string");
    expect("{\"__metadata__\":[]," + a + "}", 24, "not an object");
    expect("{\"a\":7}", 0, "not an object");
  }

  private void expect(String header, int dataBytes, String message) {
    assertThatThrownBy(() -> SafetensorsReader.readHeader(file(header, null, dataBytes)))
        .as(header)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(message);
  }
}
