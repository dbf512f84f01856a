package dev.arca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.SplittableRandom;

/**
 * Writes and reads the safetensors format: an 8-byte little-endian header length, a JSON header
 * (padded with spaces to a multiple of 8 bytes) naming each tensor's dtype, shape and byte range
 * relative to the data section, then the tensors' bytes back to back.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METADATA = "__metadata__";
  private static final int CHUNK = 8 << 20;
  private static final long MAX_HEADER = 100L << 20;

  private Safetensors() {}

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

  /**
   * Writes {@code tensors} as BF16 to {@code file}, each filled from its own split of {@code
   * random} with N(tensor mean, {@link Bf16#WEIGHT_STD}). Returns the file size.
   */
  public static long write(
      Path file, List<ModelShape.Tensor> tensors, SplittableRandom random, Map<String, String> meta)
      throws IOException {
    byte[] chunk = new byte[CHUNK];
    try (FileChannel out = create(file, encodeHeader(tensors, meta))) {
      for (ModelShape.Tensor t : tensors) {
        writeGaussian(out, random.split(), t.mean(), t.bytes(), chunk);
      }
      return out.position();
    }
  }

  /**
   * Creates (or truncates) {@code file} and writes the header length and {@code header}; the
   * channel is left where the tensor data begins.
   */
  static FileChannel create(Path file, byte[] header) throws IOException {
    FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    try {
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      length.putLong(header.length).flip();
      writeFully(out, length);
      writeFully(out, ByteBuffer.wrap(header));
      return out;
    } catch (IOException e) {
      out.close();
      throw e;
    }
  }

  /** Writes {@code bytes} bytes of BF16 N(mean, 0.02) values at the channel's position. */
  static void writeGaussian(
      FileChannel out, SplittableRandom random, double mean, long bytes, byte[] chunk)
      throws IOException {
    long left = bytes;
    while (left > 0) {
      int n = (int) Math.min(chunk.length, left);
      Bf16.fillGaussian(random, mean, Bf16.WEIGHT_STD, chunk, 0, n / 2);
      writeFully(out, ByteBuffer.wrap(chunk, 0, n));
      left -= n;
    }
  }

  static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  static byte[] encodeHeader(List<ModelShape.Tensor> tensors, Map<String, String> meta)
      throws IOException {
    return encodeHeader(tensors, meta, "BF16", ModelShape.BF16_BYTES);
  }

  /** A header for tensors of one dtype of {@code width} bytes per element. */
  static byte[] encodeHeader(
      List<ModelShape.Tensor> tensors, Map<String, String> meta, String dtype, int width)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode metadata = root.putObject(METADATA);
    meta.forEach(metadata::put);
    long offset = 0;
    for (ModelShape.Tensor t : tensors) {
      ObjectNode node = root.putObject(t.name());
      node.put("dtype", dtype);
      var shape = node.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      long bytes = t.elements() * width;
      node.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(root);
    int padded = (json.length + 7) / 8 * 8;
    byte[] header = new byte[padded];
    System.arraycopy(json, 0, header, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      header[i] = ' ';
    }
    return header;
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
