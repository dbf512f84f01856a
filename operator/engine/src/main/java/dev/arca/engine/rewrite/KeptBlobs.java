package dev.arca.engine.rewrite;

import dev.arca.contract.RewriteReport;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Tree;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which of some blobs the data that stays still needs, and where: walks the root trees given (each
 * distinct tree once, with the first path it is met at, explicit stack) and names, for each
 * candidate blob a tree or file needs, one snapshot and path. A listing that cannot be read is
 * warned about: what it needs cannot be told, and prune, which must read it, stops until it is
 * repaired.
 */
final class KeptBlobs {
  /** A root to walk: a snapshot's tree (or a part's, {@code snapshot} then says which). */
  record Root(String snapshot, String tree) {}

  private KeptBlobs() {}

  static Map<String, RewriteReport.SharedBlob> find(
      Repository repo,
      BlobIndex index,
      List<Root> roots,
      Set<String> candidates,
      Consumer<String> warn) {
    Map<String, RewriteReport.SharedBlob> found = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    Deque<String[]> stack = new ArrayDeque<>(); // {tree, path, snapshot}
    for (Root r : roots) {
      if (candidates.contains(r.tree())) {
        found.putIfAbsent(r.tree(), new RewriteReport.SharedBlob(r.tree(), r.snapshot(), "/"));
      }
      if (seen.add(r.tree())) {
        stack.push(new String[] {r.tree(), "", r.snapshot()});
      }
      while (!stack.isEmpty()) {
        String[] t = stack.pop();
        List<Node> nodes = read(repo, index, t[0], t[1], t[2], warn);
        for (Node n : nodes) {
          String name = n.fileName();
          String path = t[1].isEmpty() ? String.valueOf(name) : t[1] + "/" + name;
          String sub = n.isDir() ? n.subtree() : null;
          if (sub != null && Hex.isId(sub)) {
            if (candidates.contains(sub)) {
              found.putIfAbsent(sub, shared(sub, t[2], path + "/"));
            }
            if (path.length() <= Limits.MAX_PATH && seen.add(sub)) { // longer: a crafted chain
              stack.push(new String[] {sub, path, t[2]});
            }
          }
          if (n.chunks() != null) {
            for (String c : n.chunks()) {
              if (candidates.contains(c)) {
                found.putIfAbsent(c, shared(c, t[2], path));
              }
            }
          }
        }
      }
    }
    return found;
  }

  private static RewriteReport.SharedBlob shared(String blob, String snapshot, String path) {
    return new RewriteReport.SharedBlob(blob, snapshot, FileName.display(path));
  }

  private static List<Node> read(
      Repository repo,
      BlobIndex index,
      String tree,
      String path,
      String snapshot,
      Consumer<String> warn) {
    try {
      Tree t = repo.readTree(index, tree);
      return t.nodes() == null ? List.of() : t.nodes();
    } catch (IOException | RuntimeException e) {
      warn.accept(
          "snapshot "
              + snapshot
              + ": the listing of "
              + (path.isEmpty() ? "its root" : FileName.display(path))
              + " cannot be read ("
              + e.getMessage()
              + "); whether it needs erased blobs cannot be told, and prune stops until it is"
              + " repaired");
      return List.of();
    }
  }
}
