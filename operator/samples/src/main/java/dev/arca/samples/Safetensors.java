package dev.arca.samples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Writes safetensors files of made-up weights: an 8-byte little-endian header length, a JSON header
 * (padded with spaces to a multiple of 8 bytes) naming each tensor's dtype, shape and byte range
 * relative to the data section, then the tensors' bytes back to back.
 *
 * <p>Values are BF16 drawn from N(tensor mean, {@link Bf16#WEIGHT_STD}), so the files compress and
 * deduplicate like real weights. The same tensors and seeds always give the same bytes. The header
 * is compact JSON with the keys in this order, as Jackson writes it ({@code
 * {"__metadata__":{...},"name":{"dtype":"BF16","shape":[..],"data_offsets":[b,e]},...}}).
 */
public final class Safetensors {
  /** The metadata the files carry unless told otherwise, as PyTorch's writer sets it. */
  public static final Map<String, String> PT = Map.of("format", "pt");

  private static final int CHUNK = 8 << 20;

  private Safetensors() {}

  /**
   * Writes {@code tensors} as BF16 to {@code file}, each filled from its own split of {@code
   * random} (split in order) with N(tensor mean, {@link Bf16#WEIGHT_STD}). Returns the file size.
   */
  public static long write(
      Path file, List<ModelShape.Tensor> tensors, SplittableRandom random, Map<String, String> meta)
      throws IOException {
    return write(file, tensors, meta, i -> random.split());
  }

  /**
   * Writes {@code tensors} as BF16 to {@code file}, tensor {@code i}'s values from {@code
   * seeds[i]}: rewriting a file with one seed changed changes only that tensor's bytes. Returns the
   * file size.
   */
  public static long write(
      Path file, List<ModelShape.Tensor> tensors, long[] seeds, Map<String, String> meta)
      throws IOException {
    if (seeds.length != tensors.size()) {
      throw new IllegalArgumentException(
          tensors.size() + " tensors but " + seeds.length + " seeds");
    }
    return write(file, tensors, meta, i -> new SplittableRandom(seeds[i]));
  }

  private static long write(
      Path file,
      List<ModelShape.Tensor> tensors,
      Map<String, String> meta,
      IntFunction<SplittableRandom> randomOf)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    byte[] chunk = new byte[CHUNK];
    try (FileChannel out = create(file, header(tensors, meta, "BF16", ModelShape.BF16_BYTES))) {
      for (int i = 0; i < tensors.size(); i++) {
        ModelShape.Tensor t = tensors.get(i);
        writeGaussian(out, randomOf.apply(i), t.mean(), t.bytes(), chunk);
      }
      return out.position();
    }
  }

  /**
   * Creates (or truncates) {@code file} and writes the header length and {@code header}; the
   * channel is left where the tensor data begins.
   */
  public static FileChannel create(Path file, byte[] header) throws IOException {
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

  /**
   * Writes {@code bytes} bytes of BF16 N(mean, {@link Bf16#WEIGHT_STD}) values at the channel's
   * position, through {@code chunk} as a buffer.
   */
  public static void writeGaussian(
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

  /**
   * Overwrites {@code bytes} bytes at {@code offset} of the data section of {@code file} with new
   * BF16 N(mean, {@link Bf16#WEIGHT_STD}) values from {@code random}, as a training step that
   * rewrites one tensor in place: the file keeps its size and header.
   */
  public static void overwrite(
      Path file, long offset, long bytes, double mean, SplittableRandom random) throws IOException {
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      out.position(dataStart(out) + offset);
      writeGaussian(out, random, mean, bytes, new byte[(int) Math.min(CHUNK, bytes + 1)]);
    }
  }

  /** The file offset of the data section of the safetensors file open in {@code in}. */
  public static long dataStart(FileChannel in) throws IOException {
    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    while (length.hasRemaining()) {
      if (in.read(length, length.position()) < 0) {
        throw new IOException("not a safetensors file: shorter than 8 bytes");
      }
    }
    return 8 + length.flip().getLong();
  }

  /** Writes all of {@code buffer} at the channel's position. */
  public static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  /**
   * One tensor of a header.
   *
   * @param name its name
   * @param dtype its safetensors dtype ({@code BF16}, {@code F32}, {@code I64}, ...)
   * @param shape its dimensions
   * @param bytes its size in bytes
   */
  public record Item(String name, String dtype, long[] shape, long bytes) {}

  /**
   * A header for {@code tensors} of one dtype of {@code width} bytes per element, laid out back to
   * back in order, padded with spaces to a multiple of 8 bytes.
   */
  public static byte[] header(
      List<ModelShape.Tensor> tensors, Map<String, String> meta, String dtype, int width) {
    List<Item> items = new ArrayList<>();
    for (ModelShape.Tensor t : tensors) {
      items.add(new Item(t.name(), dtype, t.shape(), t.elements() * width));
    }
    return header(items, meta);
  }

  /**
   * A header for {@code items} laid out back to back in order, padded with spaces to a multiple of
   * 8 bytes.
   */
  public static byte[] header(List<Item> items, Map<String, String> meta) {
    StringBuilder json = new StringBuilder("{");
    string(json, "__metadata__").append(":{");
    boolean first = true;
    for (Map.Entry<String, String> m : meta.entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      string(json, m.getKey()).append(':');
      string(json, m.getValue());
    }
    json.append('}');
    long offset = 0;
    for (Item t : items) {
      json.append(',');
      string(json, t.name()).append(":{\"dtype\":");
      string(json, t.dtype()).append(",\"shape\":[");
      for (int i = 0; i < t.shape().length; i++) {
        json.append(i == 0 ? "" : ",").append(t.shape()[i]);
      }
      json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + t.bytes());
      json.append("]}");
      offset += t.bytes();
    }
    json.append('}');
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    byte[] header = Arrays.copyOf(bytes, (bytes.length + 7) / 8 * 8);
    Arrays.fill(header, bytes.length, header.length, (byte) ' ');
    return header;
  }

  /** Appends {@code s} as a JSON string, escaped as Jackson escapes it. */
  private static StringBuilder string(StringBuilder json, String s) {
    json.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04X", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
