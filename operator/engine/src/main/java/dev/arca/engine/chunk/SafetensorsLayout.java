package dev.arca.engine.chunk;

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
 * Cut points of a safetensors file: the header (8-byte length plus JSON) is one chunk, each big
 * tensor is cut into fixed pieces aligned to its own start, and runs of small tensors are grouped.
 * Tensor bytes never shift, so a tensor that did not change keeps its chunk ids even when the
 * header or other tensors change.
 */
public final class SafetensorsLayout {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private SafetensorsLayout() {}

  /**
   * The end offsets of every chunk (strictly increasing, the last equal to {@code size}), or null
   * when the file is not a well-formed safetensors file (the caller then uses content-defined
   * chunking).
   */
  public static long[] cuts(FileChannel ch, long size, int piece, int group, int hardMax)
      throws IOException {
    if (size < 10) {
      return null;
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf, 0);
    long headerLen = lenBuf.flip().getLong();
    if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > size) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate((int) headerLen);
    readFully(ch, header, 8);
    long dataStart = 8 + headerLen;
    List<long[]> regions = new ArrayList<>();
    try {
      JsonNode root = JSON.readTree(header.array());
      if (root == null || !root.isObject()) {
        return null;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        JsonNode offs = e.getValue().get("data_offsets");
        if (offs == null || offs.size() != 2) {
          return null;
        }
        long b = offs.get(0).asLong(-1);
        long end = offs.get(1).asLong(-1);
        if (b < 0 || end < b || dataStart + end > size) {
          return null;
        }
        if (end > b) {
          regions.add(new long[] {dataStart + b, dataStart + end});
        }
      }
    } catch (IOException e) {
      return null;
    }
    regions.sort((x, y) -> Long.compare(x[0], y[0]));
    return plan(regions, dataStart, size, piece, group, hardMax);
  }

  static long[] plan(
      List<long[]> regions, long dataStart, long size, int piece, int group, int max) {
    List<Long> cuts = new ArrayList<>();
    cuts.add(dataStart);
    long start = dataStart;
    long covered = dataStart;
    for (long[] r : regions) {
      if (r[0] < covered) {
        return null; // overlapping tensors: not a layout we can trust
      }
      covered = r[1];
      if (r[1] - r[0] >= piece) {
        if (r[0] > start) {
          cuts.add(r[0]);
        }
        for (long p = r[0] + piece; p < r[1]; p += piece) {
          cuts.add(p);
        }
        cuts.add(r[1]);
        start = r[1];
      } else if (r[1] - start >= group) {
        cuts.add(r[1]);
        start = r[1];
      }
    }
    if (size > start) {
      cuts.add(size);
    }
    // Enforce the hard maximum (a huge header, or a long gap between tensors).
    List<Long> out = new ArrayList<>();
    long prev = 0;
    for (long c : cuts) {
      while (c - prev > max) {
        prev += max;
        out.add(prev);
      }
      if (c > prev) {
        out.add(c);
        prev = c;
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }
}
