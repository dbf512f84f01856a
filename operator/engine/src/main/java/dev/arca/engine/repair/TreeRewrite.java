package dev.arca.engine.repair;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Rewrites trees without what cannot be restored: a file with a chunk the index lacks (missing, or
 * only in copies known to be damaged) is left out, and so is a folder whose tree cannot be read.
 * Each distinct tree is judged once (memoised), without recursion, so work grows with the number of
 * distinct trees however deep or shared; an unchanged tree keeps its id.
 */
final class TreeRewrite {
  /**
   * What became of one tree.
   *
   * @param newId its repaired id (the same when nothing was left out), or null when it cannot be
   *     read
   * @param files files left out below it (a file under an unreadable folder is not counted: its
   *     listing is lost)
   * @param bytes their size
   */
  record Outcome(String newId, long files, long bytes) {
    boolean unreadable() {
      return newId == null;
    }
  }

  /** Trees read to name what a repair leaves out. */
  static final int MAX_LISTED_TREES = 100_000;

  private final Repository repo;
  private final BlobIndex index;
  private final TreeStore store;
  private final Map<String, Outcome> done = new HashMap<>();

  TreeRewrite(Repository repo, BlobIndex index, TreeStore store) {
    this.repo = repo;
    this.index = index;
    this.store = store;
  }

  /** The outcome of the tree {@code root}, writing repaired trees as needed. */
  Outcome rewrite(String root) throws IOException {
    Deque<String> stack = new ArrayDeque<>();
    Map<String, List<Node>> open = new HashMap<>(); // trees on the stack, waiting for subtrees
    stack.push(root);
    while (!stack.isEmpty()) {
      String id = stack.peek();
      if (done.containsKey(id)) {
        stack.pop();
        continue;
      }
      List<Node> nodes = open.get(id);
      if (nodes == null) {
        nodes = read(id);
        if (nodes == null) {
          done.put(id, new Outcome(null, 0, 0));
          stack.pop();
          continue;
        }
        open.put(id, nodes);
        if (pushSubtrees(nodes, stack, open)) {
          continue;
        }
      }
      done.put(id, rebuild(id, nodes));
      open.remove(id);
      stack.pop();
    }
    return done.get(root);
  }

  /** Pushes the subtrees not judged yet; true if there were any. */
  private boolean pushSubtrees(List<Node> nodes, Deque<String> stack, Map<String, ?> open) {
    boolean waiting = false;
    for (Node n : nodes) {
      String sub = n.isDir() ? n.subtree() : null;
      if (sub != null && !done.containsKey(sub)) {
        if (open.containsKey(sub) || !Hex.isId(sub)) { // a tree containing itself: crafted
          done.put(sub, new Outcome(null, 0, 0));
          continue;
        }
        stack.push(sub);
        waiting = true;
      }
    }
    return waiting;
  }

  private Outcome rebuild(String id, List<Node> nodes) throws IOException {
    List<Node> kept = new ArrayList<>(nodes.size());
    long files = 0;
    long bytes = 0;
    boolean changed = false;
    for (Node n : nodes) {
      if (n.isDir() && n.subtree() != null) {
        Outcome sub = done.get(n.subtree());
        files += sub.files();
        bytes += sub.bytes();
        if (sub.unreadable()) {
          changed = true;
        } else if (!sub.newId().equals(n.subtree())) {
          kept.add(n.withSubtree(sub.newId()));
          changed = true;
        } else {
          kept.add(n);
        }
      } else if (!restorable(n)) {
        files++;
        bytes += n.size();
        changed = true;
      } else {
        kept.add(n);
      }
    }
    return new Outcome(changed ? store.store(kept) : id, files, bytes);
  }

  /** Whether every chunk of a file is indexed (other entries are always kept). */
  private boolean restorable(Node n) {
    if (!n.isFile() || n.chunks() == null) {
      return true;
    }
    for (String c : n.chunks()) {
      if (!Hex.isId(c) || !index.contains(Hex.parse(c))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the folder at {@code path} (names joined by '/') below the tree {@code root}, already
   * rewritten, lost nothing in the repair: false when it is not there, or its tree changed or
   * cannot be read. Reads one tree per name of the path.
   */
  boolean intact(String root, String path) {
    String tree = root;
    Node folder = null;
    for (String name : path.split("/")) {
      List<Node> nodes = tree == null ? null : read(tree);
      folder = nodes == null ? null : named(nodes, name);
      tree = folder != null && folder.isDir() ? folder.subtree() : null;
    }
    Outcome o = tree == null ? null : done.get(tree);
    return o != null && !o.unreadable() && o.newId().equals(tree);
  }

  private static Node named(List<Node> nodes, String name) {
    for (Node n : nodes) {
      if (name.equals(n.fileName())) {
        return n;
      }
    }
    return null;
  }

  private List<Node> read(String id) {
    try {
      return repo.readTree(index, id).nodes();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Tells {@code leftOut} each path (below {@code prefix}) that the repair of {@code root} leaves
   * out: files, and folders (ending in '/') whose listing is lost; at most {@code max} paths, and
   * at most {@link #MAX_LISTED_TREES} trees read to find them (a crafted tree that shares subtrees
   * level after level would otherwise take as long as its paths are many).
   */
  void leftOut(String root, int max, BiConsumer<String, Long> leftOut) {
    Deque<String[]> todo = new ArrayDeque<>(); // {tree id, path}
    todo.push(new String[] {root, ""});
    int told = 0;
    for (int trees = 0; !todo.isEmpty() && told < max && trees < MAX_LISTED_TREES; trees++) {
      String[] t = todo.pop();
      List<Node> nodes = read(t[0]);
      if (nodes == null) {
        continue;
      }
      for (Node n : nodes) {
        String path = t[1].isEmpty() ? n.name() : t[1] + "/" + n.name();
        Outcome sub = n.isDir() && n.subtree() != null ? done.get(n.subtree()) : null;
        boolean tell;
        if (sub != null) {
          tell = sub.unreadable();
          if (!tell && !sub.newId().equals(n.subtree())) {
            todo.push(new String[] {n.subtree(), path});
          }
          path = path + "/";
        } else {
          tell = !restorable(n);
        }
        if (tell && told++ < max) {
          leftOut.accept(path, n.size());
        }
      }
    }
  }
}
