package dev.arca.engine.backup;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Tree;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Joins the root trees of a run's parts into one tree (FORMAT.md, "Parts"): an entry only one part
 * has is taken as it is, with its subtree; a folder several parts have is joined entry by entry,
 * with the metadata of the lowest-numbered part that has it. Any other entry held by two parts (a
 * file, or a folder in one and not in another) means the parts did not share their files cleanly:
 * the join fails and no snapshot is written. A file cut into pieces ({@link SplitPlan}) is joined
 * from the pieces its parts list ({@link PieceJoin}), or left out and named when they do not fit.
 *
 * <p>Work is bounded by the trees read: the tree blobs held at once (the folders on the current
 * path, from every part) are at most {@link #MAX_HELD} bytes of plaintext by their index entries,
 * checked before they are read, and depth by the longest path a snapshot may hold; the walk runs on
 * a thread with a stack for that depth.
 */
final class TreeMerge {
  /** The most tree plaintext held at once. */
  static final long MAX_HELD = 2L * Limits.MAX_TREE_BLOB;

  /** The deepest folder a path of {@link Limits#MAX_PATH} bytes can name ("a/a/.../a"). */
  static final int MAX_DEPTH = Limits.MAX_PATH / 2 + 1;

  private final Repository repo;
  private final BlobIndex index;
  private final ChunkSink sink;
  private final PieceJoin pieces;
  private long held;
  private long joined;

  private TreeMerge(Repository repo, BlobIndex index, ChunkSink sink, PieceJoin pieces) {
    this.repo = repo;
    this.index = index;
    this.sink = sink;
    this.pieces = pieces;
  }

  /**
   * The joined root.
   *
   * @param id the joined root tree's id (stored into the sink)
   * @param joinedFolders folders held by several parts: each part counted it, the snapshot once
   * @param pieces what became of the files cut into pieces
   */
  record Joined(String id, long joinedFolders, PieceJoin pieces) {}

  /**
   * Joins {@code roots} (the parts' root trees, by part number) into one stored tree; {@code
   * pieces} has the pieces each part lists.
   */
  static Joined roots(
      Repository repo, BlobIndex index, ChunkSink sink, List<String> roots, PieceJoin pieces)
      throws IOException {
    TreeMerge m = new TreeMerge(repo, index, sink, pieces);
    List<Held> from = new ArrayList<>();
    for (int i = 0; i < roots.size(); i++) {
      from.add(new Held(i, roots.get(i)));
    }
    String[] id = new String[1];
    RuntimeException[] failed = new RuntimeException[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                id[0] = Walker.storeTree(sink, m.join(from, "", 0), "");
              } catch (RuntimeException e) {
                failed[0] = e;
              }
            },
            "arca-join",
            64L << 20);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while joining the parts' trees", e);
    }
    if (failed[0] instanceof UncheckedIOException u) {
      throw u.getCause();
    }
    if (failed[0] != null) {
      throw failed[0];
    }
    return new Joined(id[0], m.joined, pieces);
  }

  /** A tree of part {@code part}. */
  private record Held(int part, String tree) {}

  /** The joined entries of the folder {@code rel}, which the trees {@code from} list. */
  private List<Node> join(List<Held> from, String rel, int depth) {
    if (depth > MAX_DEPTH) {
      throw ArcaException.integrity(
          "the parts' trees are deeper than any path a snapshot may hold, at "
              + FileName.display(rel));
    }
    long bytes = 0;
    for (Held h : from) {
      BlobIndex.Location l = index.get(Hex.parse(h.tree()));
      bytes += l == null ? 0 : l.rawLength();
    }
    if (held + bytes > MAX_HELD) {
      throw ArcaException.integrity(
          "the parts' listings of "
              + (rel.isEmpty() ? "the root" : FileName.display(rel))
              + " and the folders above it take more than "
              + MAX_HELD
              + " bytes; they cannot be joined");
    }
    held += bytes;
    try {
      Map<String, List<Node>> byName = new TreeMap<>();
      Map<String, List<Integer>> partsOf = new TreeMap<>();
      for (Held h : from) {
        Tree t = repo.readTree(index, h.tree());
        for (Node n : t.nodes()) {
          String name = n.fileName();
          if (name == null) {
            throw ArcaException.integrity(
                "part " + h.part() + " holds an entry with no valid name in tree " + h.tree());
          }
          byName.computeIfAbsent(name, k -> new ArrayList<>()).add(n);
          partsOf.computeIfAbsent(name, k -> new ArrayList<>()).add(h.part());
        }
      }
      List<Node> out = new ArrayList<>();
      for (Map.Entry<String, List<Node>> e : byName.entrySet()) {
        Node n = one(e.getValue(), partsOf.get(e.getKey()), rel, e.getKey(), depth);
        if (n != null) {
          out.add(n);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      held -= bytes;
    }
  }

  /**
   * One entry of the joined folder, from the nodes the parts {@code parts} have under its name;
   * null for a file cut into pieces that do not fit together.
   */
  private Node one(List<Node> nodes, List<Integer> parts, String rel, String name, int depth) {
    String path = rel.isEmpty() ? name : rel + "/" + name;
    if (pieces.cut(path, parts)) {
      return pieces.join(path, nodes, parts);
    }
    if (nodes.size() == 1) {
      return nodes.get(0);
    }
    List<Held> subs = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (!n.isDir() || n.subtree() == null || !Hex.isId(n.subtree())) {
        throw ArcaException.integrity(
            "parts "
                + parts
                + " all hold "
                + FileName.display(path)
                + ", which is not a folder in each: the parts did not share the files cleanly"
                + " (was it replaced while they ran?); no snapshot was written");
      }
      subs.add(new Held(parts.get(i), n.subtree()));
    }
    joined += nodes.size() - 1;
    String id = Walker.storeTree(sink, join(subs, path, depth + 1), path);
    return nodes.get(0).withSubtree(id);
  }
}
