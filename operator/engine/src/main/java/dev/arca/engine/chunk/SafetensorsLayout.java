package dev.arca.engine.chunk;

import dev.arca.engine.format.FloatGrouping;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Cut points of a safetensors file: the header (8-byte length plus JSON) is one chunk, each big
 * tensor is cut into fixed pieces aligned to its own start, and runs of small tensors are grouped.
 * Tensor bytes never shift, so a tensor that did not change keeps its chunk ids even when the
 * header or other tensors change.
 */
public final class SafetensorsLayout {
  private SafetensorsLayout() {}

  /**
   * Chunks of a safetensors file.
   *
   * @param ends the end offset of every chunk, strictly increasing, the last equal to the size
   * @param kinds per chunk, the {@link dev.arca.engine.format.FloatGrouping} kind of its values
   *     when the chunk holds tensors of one float type only, else {@code NONE}
   */
  public record Layout(long[] ends, byte[] kinds) {}

  /**
   * The chunks of a safetensors file, or null when it is not a well-formed safetensors file (the
   * caller then uses content-defined chunking).
   */
  public static Layout cuts(FileChannel ch, long size, int piece, int group, int hardMax)
      throws IOException {
    return cuts((SafetensorsHeader.At) ch::read, size, piece, group, hardMax);
  }

  /** As {@link #cuts(FileChannel, long, int, int, int)}, for a file read through {@code ch}. */
  public static Layout cuts(SafetensorsHeader.At ch, long size, int piece, int group, int hardMax)
      throws IOException {
    SafetensorsHeader.Header header;
    try {
      header = SafetensorsHeader.read(ch, size);
    } catch (SafetensorsHeader.Malformed e) {
      return null;
    }
    long dataStart = header.dataStart();
    List<long[]> regions = new ArrayList<>(); // start, end, float kind
    for (SafetensorsHeader.Tensor t : header.tensors()) {
      if (dataStart + t.end() > size) {
        return null;
      }
      if (t.end() > t.begin()) {
        byte kind = FloatGrouping.ofDtype(t.dtype());
        regions.add(new long[] {dataStart + t.begin(), dataStart + t.end(), kind});
      }
    }
    regions.sort((x, y) -> Long.compare(x[0], y[0]));
    return plan(regions, dataStart, size, piece, group, hardMax);
  }

  static Layout plan(
      List<long[]> regions, long dataStart, long size, int piece, int group, int max) {
    List<long[]> cuts = new ArrayList<>(); // end, kind
    cuts.add(new long[] {dataStart, FloatGrouping.NONE});
    long start = dataStart; // start of the pending chunk
    long prevEnd = dataStart; // end of the previous tensor
    int pending = -1; // float kind of the pending small tensors: -1 none yet, NONE if mixed
    for (long[] r : regions) {
      if (r[0] < prevEnd) {
        return null; // overlapping tensors: not a layout we can trust
      }
      byte kind = (byte) r[2];
      boolean gap = r[0] > prevEnd;
      if (r[1] - r[0] >= piece) {
        if (r[0] > start) {
          cuts.add(new long[] {r[0], gap || pending < 0 ? FloatGrouping.NONE : pending});
        }
        for (long p = r[0] + piece; p < r[1]; p += piece) {
          cuts.add(new long[] {p, kind});
        }
        cuts.add(new long[] {r[1], kind});
        start = r[1];
        pending = -1;
      } else {
        if (gap) {
          pending = FloatGrouping.NONE;
        } else if (pending < 0) {
          pending = kind;
        } else if (pending != kind) {
          pending = FloatGrouping.NONE;
        }
        if (r[1] - start >= group) {
          cuts.add(new long[] {r[1], pending});
          start = r[1];
          pending = -1;
        }
      }
      prevEnd = r[1];
    }
    if (size > start) {
      cuts.add(new long[] {size, prevEnd < size || pending < 0 ? FloatGrouping.NONE : pending});
    }
    // Enforce the hard maximum (a huge header, or a long gap between tensors).
    List<Long> ends = new ArrayList<>();
    List<Byte> kinds = new ArrayList<>();
    long prev = 0;
    for (long[] c : cuts) {
      while (c[0] - prev > max) {
        prev += max;
        ends.add(prev);
        kinds.add((byte) c[1]);
      }
      if (c[0] > prev) {
        ends.add(c[0]);
        kinds.add((byte) c[1]);
        prev = c[0];
      }
    }
    byte[] k = new byte[kinds.size()];
    for (int i = 0; i < k.length; i++) {
      k[i] = kinds.get(i);
    }
    return new Layout(ends.stream().mapToLong(Long::longValue).toArray(), k);
  }
}
