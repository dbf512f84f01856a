package dev.arca.engine.backup;

import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Shares;
import dev.arca.engine.fs.PathFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the parts of a run that split one file set share it, the same in every part without talking
 * to each other (FORMAT.md, "Parts"). Files of at least {@link #LARGE} bytes are listed by every
 * part and dealt out largest first, each to the part with the fewest bytes so far; one larger than
 * a share is cut into pieces (byte ranges) dealt out the same way, no two to one part ({@link
 * Shares#pieces}). Smaller files go by a hash of their path, which balances many files without a
 * list. Folders are walked by every part; symlinks, FIFOs and streams belong to part 0.
 *
 * <p>A file that appears, grows past {@link #LARGE} or vanishes between two parts' listings would
 * make them deal differently, so each part records the {@link #digest} of what it dealt: the commit
 * joins only parts whose digests are equal, and a file is never in no part or in two.
 */
final class SplitPlan {
  /** Files this large are dealt out by size; smaller ones by a hash of their path. */
  static final long LARGE = Shares.LARGE;

  private final int index;
  private final int count;
  private final Map<String, List<Shares.Piece>> large;
  private final String digest;
  private final long[] loads;

  private SplitPlan(
      int index, int count, Map<String, List<Shares.Piece>> large, String digest, long[] loads) {
    this.index = index;
    this.count = count;
    this.large = large;
    this.digest = digest;
    this.loads = loads;
  }

  /** Lists the large files under {@code paths} (named {@code names}) and deals them out. */
  static SplitPlan of(
      List<Path> paths, List<String> names, List<String> sources, PathFilter filter, PartSpec p) {
    List<Map.Entry<String, Long>> files = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      listLarge(paths.get(i), names.get(i), filter, files);
    }
    files.sort(Map.Entry.comparingByKey());
    MessageDigest md = ChunkIds.sha256();
    md.update(("arca-split-v2\n" + p.count() + "\n").getBytes(StandardCharsets.UTF_8));
    for (String s : sources) {
      md.update((s + "\0").getBytes(StandardCharsets.UTF_8));
    }
    md.update("\n".getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, Long> f : files) {
      md.update((f.getKey() + "\0" + f.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    long[] loads = new long[p.count()];
    Map<String, List<Shares.Piece>> pieces =
        Shares.pieces(
            files.stream().map(f -> new Shares.File(f.getKey(), f.getValue())).toList(),
            p.count(),
            loads);
    return new SplitPlan(p.index(), p.count(), pieces, Hex.of(md.digest()), loads);
  }

  /**
   * Whether this part stores the regular file at {@code rel} (its path in the snapshot), or one of
   * its pieces.
   */
  boolean owns(String rel) {
    List<Shares.Piece> pieces = large.get(rel);
    if (pieces == null) {
      return Shares.byHash(rel, count) == index;
    }
    return pieces.stream().anyMatch(p -> p.owner() == index);
  }

  /** The pieces of {@code rel} when it is cut into pieces (in order), else null. */
  List<Shares.Piece> pieces(String rel) {
    List<Shares.Piece> pieces = large.get(rel);
    return pieces != null && pieces.size() > 1 ? pieces : null;
  }

  /** This part's number. */
  int index() {
    return index;
  }

  /** Whether this part stores what is not a regular file or a folder: part 0. */
  boolean ownsTheRest() {
    return index == 0;
  }

  /** The hex SHA-256 of the sources, the part count and the large files dealt out. */
  String digest() {
    return digest;
  }

  /** Bytes of large files dealt to each part. */
  long[] loads() {
    return loads.clone();
  }

  private static void listLarge(
      Path root, String rootName, PathFilter filter, List<Map.Entry<String, Long>> out) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
              return !dir.equals(root) && filter.excluded(rel(root, rootName, dir))
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
              String rel = rel(root, rootName, file);
              if (a.isRegularFile()
                  && a.size() >= LARGE
                  && !filter.excluded(rel)
                  && filter.included(rel)) {
                out.add(Map.entry(rel, a.size()));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // the walk reports it; the digest tells the parts
            }
          });
    } catch (IOException e) {
      // as above: a listing that differs between parts fails their commit, never loses a file
    }
  }

  private static String rel(Path root, String rootName, Path p) {
    String r = root.relativize(p).toString();
    return r.isEmpty() ? rootName : rootName + "/" + r;
  }
}
