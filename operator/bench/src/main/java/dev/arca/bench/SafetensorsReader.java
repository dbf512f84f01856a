package dev.arca.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the header of a safetensors file: an 8-byte little-endian header length, then a JSON header
 * naming each tensor's dtype, shape and byte range relative to the data section.
 *
 * <p>The header is untrusted input (the real data set reads a downloaded file): its length is
 * bounded, it must be one JSON object without duplicate keys, every dtype must be known, every
 * shape must give exactly its byte range's size, and the ranges must tile the data section from its
 * start to the end of the file with no gap and no overlap, as the format requires. Anything else is
 * an {@link IOException} naming the problem.
 */
public final class SafetensorsReader {
  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final String METADATA = "__metadata__";

  /** The longest header accepted (the format's own readers stop at 100 MB). */
  static final long MAX_HEADER = 100L << 20;

  /** Bytes per element of the dtypes the format defines. */
  private static final Map<String, Integer> WIDTHS =
      Map.ofEntries(
          Map.entry("BOOL", 1),
          Map.entry("U8", 1),
          Map.entry("I8", 1),
          Map.entry("F8_E5M2", 1),
          Map.entry("F8_E4M3", 1),
          Map.entry("I16", 2),
          Map.entry("U16", 2),
          Map.entry("F16", 2),
          Map.entry("BF16", 2),
          Map.entry("I32", 4),
          Map.entry("U32", 4),
          Map.entry("F32", 4),
          Map.entry("F64", 8),
          Map.entry("I64", 8),
          Map.entry("U64", 8));

  private SafetensorsReader() {}

  /** One tensor in a file; {@code begin} and {@code end} are relative to the data section. */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    /** Size in bytes. */
    public long size() {
      return end - begin;
    }

    /** Number of elements. */
    public long elements() {
      return size() / WIDTHS.get(dtype);
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
      long fileSize = in.size();
      if (fileSize < 8) {
        throw new IOException(file + ": not a safetensors file (" + fileSize + " bytes)");
      }
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(in, length, 0);
      long n = length.flip().getLong();
      if (n < 2 || n > MAX_HEADER || n > fileSize - 8) {
        throw new IOException(file + ": bad safetensors header length " + n);
      }
      ByteBuffer json = ByteBuffer.allocate((int) n);
      readFully(in, json, 8);
      try {
        return parseHeader(json.array(), 8 + n, fileSize - 8 - n);
      } catch (IOException e) {
        throw new IOException(file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Reads {@code buffer.remaining()} bytes at {@code position}. */
  static void readFully(FileChannel in, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = in.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      at += n;
    }
  }

  /**
   * Parses and checks a header of {@code json} whose data section starts at file offset {@code
   * dataStart} and holds {@code dataSize} bytes.
   */
  static Header parseHeader(byte[] json, long dataStart, long dataSize) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !root.isObject()) {
      throw new IOException("the safetensors header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      JsonNode node = field.getValue();
      if (field.getKey().equals(METADATA)) {
        if (!node.isObject()) {
          throw new IOException("__metadata__ is not an object");
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
          if (!m.getValue().isTextual()) {
            throw new IOException("__metadata__ value " + m.getKey() + " is not a string");
          }
          metadata.put(m.getKey(), m.getValue().asText());
        }
        continue;
      }
      entries.add(entry(field.getKey(), node, dataSize));
    }
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : entries) {
      if (e.begin() != expected) {
        throw new IOException(
            "tensor "
                + e.name()
                + " starts at "
                + e.begin()
                + ", not at "
                + expected
                + (e.begin() < expected ? " (overlap)" : " (gap)"));
      }
      expected = e.end();
    }
    if (expected != dataSize) {
      throw new IOException(
          "the tensors end at " + expected + " but the data section has " + dataSize + " bytes");
    }
    return new Header(dataStart, metadata, List.copyOf(entries));
  }

  private static Entry entry(String name, JsonNode node, long dataSize) throws IOException {
    if (!node.isObject()) {
      throw new IOException("tensor " + name + " is not an object");
    }
    JsonNode dtype = node.path("dtype");
    Integer width = dtype.isTextual() ? WIDTHS.get(dtype.asText()) : null;
    if (width == null) {
      throw new IOException("tensor " + name + " has an unknown dtype " + dtype);
    }
    JsonNode shapeNode = node.path("shape");
    JsonNode offsets = node.path("data_offsets");
    if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new IOException("tensor " + name + " needs a shape and two data_offsets");
    }
    long[] shape = new long[shapeNode.size()];
    long elements = 1;
    try {
      for (int i = 0; i < shape.length; i++) {
        shape[i] = natural(shapeNode.get(i), name);
        elements = Math.multiplyExact(elements, shape[i]);
      }
      long bytes = Math.multiplyExact(elements, width);
      long begin = natural(offsets.get(0), name);
      long end = natural(offsets.get(1), name);
      if (begin > end || end > dataSize) {
        throw new IOException(
            "tensor " + name + " lies at [" + begin + ", " + end + ") outside the data section");
      }
      if (end - begin != bytes) {
        throw new IOException(
            "tensor " + name + " has " + (end - begin) + " bytes but its shape needs " + bytes);
      }
      return new Entry(name, dtype.asText(), shape, begin, end);
    } catch (ArithmeticException e) {
      throw new IOException("tensor " + name + " has a shape too large to address", e);
    }
  }

  private static long natural(JsonNode n, String name) throws IOException {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
      throw new IOException("tensor " + name + " has a bad number " + n);
    }
    return n.asLong();
  }
}
