package dev.arca.engine.format;

import dev.arca.engine.crypto.ChunkIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the parts of a run share a set of files (FORMAT.md, "Parts"), the same in every part: files
 * of at least {@link #LARGE} bytes dealt out largest first (ties by path), each to the part with
 * the fewest bytes so far (ties to the lower number); smaller files by a hash of their path.
 * Backups split by it, and so do restores in parts.
 */
public final class Shares {
  /** Files this large are dealt out by size; smaller ones by a hash of their path. */
  public static final long LARGE = 64L << 20;

  private Shares() {}

  /** A file to share: its path in the snapshot and its size. */
  public record File(String rel, long size) {}

  /**
   * The owners of the large files among {@code files} (by path), with the bytes dealt to each part
   * in {@code loads} (length {@code count}).
   */
  public static Map<String, Integer> deal(List<File> files, int count, long[] loads) {
    List<File> bySize = new ArrayList<>();
    for (File f : files) {
      if (f.size() >= LARGE) {
        bySize.add(f);
      }
    }
    bySize.sort(Comparator.comparing((File f) -> -f.size()).thenComparing(File::rel));
    Map<String, Integer> owners = new HashMap<>();
    for (File f : bySize) {
      int least = 0;
      for (int j = 1; j < count; j++) {
        if (loads[j] < loads[least]) {
          least = j;
        }
      }
      loads[least] += f.size();
      owners.put(f.rel(), least);
    }
    return owners;
  }

  /**
   * The part a file at {@code rel} goes to when it is not dealt out by size: the first four bytes
   * (big endian, unsigned) of the SHA-256 of its path (UTF-8), modulo {@code count}.
   */
  public static int byHash(String rel, int count) {
    byte[] h = ChunkIds.sha256().digest(rel.getBytes(StandardCharsets.UTF_8));
    long v = ((h[0] & 0xffL) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
    return (int) (v % count);
  }

  /** The owner of {@code rel}: as dealt in {@code large}, else by its path's hash. */
  public static int owner(String rel, Map<String, Integer> large, int count) {
    Integer o = large.get(rel);
    return o != null ? o : byHash(rel, count);
  }
}
