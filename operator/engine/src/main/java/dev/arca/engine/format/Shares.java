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
 * Backups split by it, and so do restores in parts. A backup also cuts a large file that is larger
 * than a share (its part count's fraction of all large files' bytes) into pieces, byte ranges dealt
 * out like files, no two pieces of one file to the same part ({@link #pieces}).
 */
public final class Shares {
  /** Files this large are dealt out by size; smaller ones by a hash of their path. */
  public static final long LARGE = 64L << 20;

  /** Pieces of a file start at multiples of this many bytes (before a safetensors file snaps). */
  public static final long PIECE_ALIGN = 8L << 20;

  private Shares() {}

  /** A file to share: its path in the snapshot and its size. */
  public record File(String rel, long size) {}

  /**
   * A byte range of a large file, as planned: the range {@code [offset, offset + length)} of the
   * file at {@code rel}, piece {@code index} of {@code count}; {@code owner} is the part it was
   * dealt to.
   */
  public record Piece(String rel, int index, int count, long offset, long length, int owner) {}

  /**
   * The owners of the large files among {@code files} (by path), with the bytes dealt to each part
   * in {@code loads} (length {@code count}). No file is cut into pieces.
   */
  public static Map<String, Integer> deal(List<File> files, int count, long[] loads) {
    Map<String, Integer> owners = new HashMap<>();
    for (Map.Entry<String, List<Piece>> e : deal(files, count, loads, false).entrySet()) {
      owners.put(e.getKey(), e.getValue().get(0).owner());
    }
    return owners;
  }

  /**
   * The large files among {@code files} (by path) cut into pieces where one is larger than a share,
   * each piece with its owner; a file not cut is one piece. A share is the large files' bytes over
   * {@code count}, rounded up; a file larger than that is cut into {@code min(ceil(size / share),
   * floor(size / LARGE))} pieces (so none is smaller than about {@link #LARGE}), which start at
   * {@code floor(i * size / pieces)} rounded down to a multiple of {@link #PIECE_ALIGN}.
   */
  public static Map<String, List<Piece>> pieces(List<File> files, int count, long[] loads) {
    return deal(files, count, loads, true);
  }

  private static Map<String, List<Piece>> deal(
      List<File> files, int count, long[] loads, boolean cut) {
    List<File> large = new ArrayList<>();
    long total = 0;
    for (File f : files) {
      if (f.size() >= LARGE) {
        large.add(f);
        total += f.size();
      }
    }
    long share = (total + count - 1) / count;
    List<Piece> planned = new ArrayList<>();
    for (File f : large) {
      boolean cutUp = cut && count > 1 && f.size() > share && f.size() >= 2 * LARGE;
      planned.addAll(cutUp ? cutUp(f, share) : whole(f));
    }
    planned.sort(
        Comparator.comparing((Piece p) -> -p.length())
            .thenComparing(Piece::rel)
            .thenComparing(Piece::index));
    Map<String, List<Piece>> out = new HashMap<>();
    for (Piece p : planned) {
      List<Piece> siblings = out.computeIfAbsent(p.rel(), k -> new ArrayList<>());
      int least = -1;
      for (int j = 0; j < count; j++) {
        if (holds(siblings, j)) {
          continue; // no two pieces of one file in one part
        }
        if (least < 0 || loads[j] < loads[least]) {
          least = j;
        }
      }
      loads[least] += p.length();
      siblings.add(new Piece(p.rel(), p.index(), p.count(), p.offset(), p.length(), least));
    }
    out.values().forEach(l -> l.sort(Comparator.comparing(Piece::index)));
    return out;
  }

  private static List<Piece> whole(File f) {
    return List.of(new Piece(f.rel(), 0, 1, 0, f.size(), -1));
  }

  private static List<Piece> cutUp(File f, long share) {
    long n = Math.min((f.size() + share - 1) / share, f.size() / LARGE);
    List<Long> starts = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      long at = i * (f.size() / n) + i * (f.size() % n) / n; // floor(i * size / n), no overflow
      at -= at % PIECE_ALIGN;
      if (starts.isEmpty() || at > starts.get(starts.size() - 1)) {
        starts.add(at);
      }
    }
    List<Piece> out = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      long end = i + 1 < starts.size() ? starts.get(i + 1) : f.size();
      out.add(new Piece(f.rel(), i, starts.size(), starts.get(i), end - starts.get(i), -1));
    }
    return out;
  }

  private static boolean holds(List<Piece> pieces, int part) {
    for (Piece p : pieces) {
      if (p.owner() == part) {
        return true;
      }
    }
    return false;
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
