package dev.arca.engine.chunk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The header of a safetensors file: an 8-byte little-endian length N, then N bytes of JSON naming
 * each tensor's dtype and its byte range ({@code data_offsets}) relative to the data section, which
 * starts at 8 + N. The file is untrusted: N is checked against a bound and the file's size before
 * anything is allocated, and every range must be ordered and start at or after the data section's
 * start. Whether the ranges lie within the file is left to the caller.
 */
public final class SafetensorsHeader {
  /** The longest header accepted (the format's own readers stop at 100 MB). */
  public static final long MAX_HEADER = 100L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsHeader() {}

  /** A header that is not what the format describes; the message says what is wrong. */
  public static final class Malformed extends IOException {
    Malformed(String message) {
      super(message);
    }
  }

  /**
   * One tensor.
   *
   * @param dtype its dtype as written, or null
   * @param begin where its bytes start, relative to the data section
   * @param end where they end (exclusive), at least {@code begin}
   */
  public record Tensor(String dtype, long begin, long end) {}

  /**
   * A parsed header.
   *
   * @param dataStart the file offset of the data section: 8 + the header's length
   * @param tensors the tensors in the header's order ({@code __metadata__} left out)
   */
  public record Header(long dataStart, List<Tensor> tensors) {
    /** Where the last tensor ends, as a file offset: the size of a complete file. */
    public long dataEnd() {
      long end = 0;
      for (Tensor t : tensors) {
        end = Math.max(end, t.end());
      }
      return dataStart + end;
    }
  }

  /**
   * Reads the header of the file {@code ch} of {@code size} bytes; {@link Malformed} if it is not a
   * safetensors header, another {@link IOException} if the file cannot be read (or ends early).
   */
  public static Header read(FileChannel ch, long size) throws IOException {
    return read(ch::read, size);
  }

  /**
   * Reads bytes of a file at a position, as {@link FileChannel#read(ByteBuffer, long)} does: fills
   * some of {@code dst}, returns how many bytes, or -1 past the end.
   */
  @FunctionalInterface
  public interface At {
    int read(ByteBuffer dst, long position) throws IOException;
  }

  /** As {@link #read(FileChannel, long)}, for a file read through {@code ch}. */
  public static Header read(At ch, long size) throws IOException {
    if (size < 10) {
      throw new Malformed("only " + size + " bytes, too short for a safetensors header");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf, 0);
    long headerLen = lenBuf.flip().getLong();
    if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > size) {
      throw new Malformed(
          "its header length "
              + headerLen
              + " is not within 2 and "
              + Math.min(MAX_HEADER, size - 8)
              + " (the file has "
              + size
              + " bytes)");
    }
    ByteBuffer json = ByteBuffer.allocate((int) headerLen);
    readFully(ch, json, 8);
    return new Header(8 + headerLen, tensors(json.array()));
  }

  private static List<Tensor> tensors(byte[] json) throws Malformed {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new Malformed("its header is not valid JSON (" + why + ")");
    }
    if (root == null || !root.isObject()) {
      throw new Malformed("its header is not a JSON object");
    }
    List<Tensor> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("__metadata__")) {
        out.add(tensor(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  private static Tensor tensor(String name, JsonNode node) throws Malformed {
    JsonNode offs = node.get("data_offsets");
    if (offs == null || offs.size() != 2) {
      throw new Malformed("tensor '" + name + "' has no pair of data_offsets");
    }
    long b = offs.get(0).asLong(-1);
    long end = offs.get(1).asLong(-1);
    if (b < 0 || end < b) {
      throw new Malformed("tensor '" + name + "' has data_offsets " + offs + " out of order");
    }
    JsonNode dtype = node.get("dtype");
    return new Tensor(dtype == null ? null : dtype.asText(), b, end);
  }

  private static void readFully(At ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }
}
