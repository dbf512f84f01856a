package dev.arca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the header of a safetensors file: an 8-byte little-endian header length, then a JSON header
 * naming each tensor's dtype, shape and byte range relative to the data section. The files are
 * written by {@link dev.arca.samples.Safetensors}.
 */
public final class SafetensorsReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METADATA = "__metadata__";
  private static final long MAX_HEADER = 100L << 20;

  private SafetensorsReader() {}

  /** One tensor in a file; {@code begin} and {@code end} are relative to the data section. */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    /** Size in bytes. */
    public long size() {
      return end - begin;
    }
  }

  /** A parsed header; {@code dataStart} is the file offset of the data section. */
  public record Header(long dataStart, Map<String, String> metadata, List<Entry> entries) {
    /** The entry named {@code name}. */
    public Entry entry(String name) {
      return entries.stream()
          .filter(e -> e.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no tensor " + name));
    }

    /** End of the data section, which is the file size of a well-formed file. */
    public long dataEnd() {
      return dataStart + entries.stream().mapToLong(Entry::end).max().orElse(0);
    }
  }

  /** Reads and checks the header of a safetensors file. */
  public static Header readHeader(Path file) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(in, length, 0);
      long n = length.flip().getLong();
      if (n <= 0 || n > MAX_HEADER || 8 + n > in.size()) {
        throw new IOException(file + ": bad safetensors header length " + n);
      }
      ByteBuffer json = ByteBuffer.allocate((int) n);
      readFully(in, json, 8);
      return parseHeader(new String(json.array(), StandardCharsets.UTF_8), 8 + n);
    }
  }

  private static void readFully(FileChannel in, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = in.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      at += n;
    }
  }

  private static Header parseHeader(String json, long dataStart) throws IOException {
    JsonNode root = JSON.readTree(json);
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      JsonNode node = field.getValue();
      if (field.getKey().equals(METADATA)) {
        node.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      JsonNode shapeNode = node.path("shape");
      long[] shape = new long[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).asLong();
      }
      JsonNode offsets = node.path("data_offsets");
      if (!node.path("dtype").isTextual() || offsets.size() != 2) {
        throw new IOException("malformed tensor entry " + field.getKey());
      }
      entries.add(
          new Entry(
              field.getKey(),
              node.get("dtype").asText(),
              shape,
              offsets.get(0).asLong(),
              offsets.get(1).asLong()));
    }
    entries.sort(Comparator.comparingLong(Entry::begin));
    return new Header(dataStart, metadata, List.copyOf(entries));
  }
}
