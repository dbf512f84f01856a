package dev.arca.engine.rewrite;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Tree;
import dev.arca.engine.fs.Globs;
import dev.arca.engine.fs.SafeNames;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.TreeWalk;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites one snapshot's trees by path: entries an exclude matches are left out, files a filter
 * names get new content, every folder on the way gets a new listing, and every other folder keeps
 * its tree. Folders no exclude or filter can reach are not read; a folder met again at the same
 * path with the same tree (in another snapshot) is taken from the memo. Everything a changed or
 * removed part needed is gathered in {@link #erased} (old listings, removed files' chunks, the
 * chunks a filtered file no longer has), for the erasure record.
 *
 * <p>Repository bytes are checked as a restore checks them: every name by the format's rules, paths
 * within {@link Limits#MAX_PATH}, and at most {@link TreeWalk#maxFolders} folders entered per
 * snapshot; a folder whose listing cannot be read, and a filtered file whose bytes are damaged,
 * make the snapshot damaged (an integrity error naming the path), and nothing of it is rewritten.
 */
final class PathRewrite {
  /** Paths of removed entries listed at most per run. */
  static final int MAX_LISTED = 1_000;

  /**
   * What became of one folder.
   *
   * @param newId its new tree id (the old one when nothing below it changed)
   * @param files files removed below it
   * @param dirs folders removed below it
   * @param bytes bytes removed below it (removed files, and what filters took out)
   * @param filtered files rewritten by filters below it
   */
  record Outcome(String newId, long files, long dirs, long bytes, long filtered) {}

  /** Where rewritten listings go. */
  interface Trees {
    String store(List<Node> nodes, String path) throws IOException;
  }

  /** What gives a filtered file its new content (or the old entry on a dry run). */
  interface Filtering {
    Node filter(String path, Node file, List<BlobIndex.Location> chunks) throws IOException;
  }

  private final Repository repo;
  private final BlobIndex index;
  private final Globs excludes;
  private final Set<String> filterPaths;
  private final Trees trees;
  private final Filtering filtering;
  private final Map<String, Outcome> memo = new HashMap<>();
  private final Map<String, long[]> dropped = new HashMap<>();

  /** Blobs the removed and changed parts needed (hex ids). */
  final Set<String> erased = new HashSet<>();

  /** Removed paths, each once, the first {@link #MAX_LISTED}. */
  final Set<String> removed = new LinkedHashSet<>();

  long removedMore;

  /** Filter paths that matched a file. */
  final Set<String> matchedFilters = new HashSet<>();

  /** Exclude patterns that matched an entry. */
  final Set<String> matchedExcludes = new HashSet<>();

  private final Map<String, Globs> eachExclude = new LinkedHashMap<>();

  private long folders;
  private long maxFolders;

  PathRewrite(
      Repository repo,
      BlobIndex index,
      List<String> excludes,
      Set<String> filterPaths,
      Trees trees,
      Filtering filtering) {
    this.repo = repo;
    this.index = index;
    this.excludes = Globs.compile(excludes, "--exclude");
    if (excludes != null) {
      for (String p : excludes) {
        eachExclude.put(p, Globs.compile(List.of(p), "--exclude"));
      }
    }
    this.filterPaths = filterPaths;
    this.trees = trees;
    this.filtering = filtering;
  }

  /** One folder being rewritten. */
  private static final class Frame {
    final String path;
    final int bytes;
    final String tree;
    final Node self;
    final Frame parent;
    final List<Node> nodes;
    final List<Node> kept = new ArrayList<>();
    final Set<String> seen = new HashSet<>();
    int next;
    boolean changed;
    long files;
    long dirs;
    long removedBytes;
    long filtered;

    Frame(String path, int bytes, String tree, Node self, Frame parent, List<Node> nodes) {
      this.path = path;
      this.bytes = bytes;
      this.tree = tree;
      this.self = self;
      this.parent = parent;
      this.nodes = nodes;
    }
  }

  /** Rewrites the tree {@code root} of a snapshot that may enter {@code maxFolders} folders. */
  Outcome rewrite(String root, long maxFolders) throws IOException {
    this.folders = 0;
    this.maxFolders = maxFolders;
    Outcome known = memo.get(key("", root));
    if (known != null) {
      return known;
    }
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame("", 0, root, null, null, read(root, "")));
    while (true) {
      Frame f = stack.peek();
      if (f.next < f.nodes.size()) {
        Frame child = step(f, f.nodes.get(f.next++));
        if (child != null) {
          stack.push(child);
        }
        continue;
      }
      stack.pop();
      String id = f.tree;
      if (f.changed) {
        id = trees.store(f.kept, f.path);
        erased.add(f.tree);
      }
      Outcome o = new Outcome(id, f.files, f.dirs, f.removedBytes, f.filtered);
      memo.put(key(f.path, f.tree), o);
      if (f.parent == null) {
        return o;
      }
      deliver(f.parent, f.self, o);
    }
  }

  /** Takes one entry of {@code f}; returns the frame of a folder to enter, else null. */
  private Frame step(Frame f, Node n) throws IOException {
    String problem = SafeNames.entryProblem(n, f.seen, f.bytes);
    if (problem != null) {
      throw damaged(f.path, "refusing an entry: " + problem);
    }
    String name = n.fileName();
    int length = FileName.byteLength(name);
    String path = f.path.isEmpty() ? name : f.path + "/" + name;
    int bytes = f.path.isEmpty() ? length : f.bytes + 1 + length;
    if (excludes.matches(path)) {
      remove(f, path, n);
      return null;
    }
    if (n.isFile() && filterPaths.contains(path)) {
      filter(f, path, n);
      return null;
    }
    if (!n.isDir() || n.subtree() == null || !mayChangeBelow(path)) {
      f.kept.add(n);
      return null;
    }
    Outcome known = memo.get(key(path, n.subtree()));
    if (known != null) {
      deliver(f, n, known);
      return null;
    }
    if (++folders > maxFolders) {
      throw damaged(
          path,
          "the snapshot's trees expand to more folders than the "
              + (maxFolders - TreeWalk.FOLDER_MARGIN)
              + " it recorded (shared subtrees?)");
    }
    return new Frame(path, bytes, n.subtree(), n, f, read(n.subtree(), path));
  }

  /** Whether an exclude or a filter may reach below the folder {@code path}. */
  private boolean mayChangeBelow(String path) {
    if (!excludes.isEmpty() && excludes.mayMatchBelow(path)) {
      return true;
    }
    for (String p : filterPaths) {
      if (p.startsWith(path + "/")) {
        return true;
      }
    }
    return false;
  }

  private static void deliver(Frame parent, Node self, Outcome o) {
    parent.files += o.files();
    parent.dirs += o.dirs();
    parent.removedBytes += o.bytes();
    parent.filtered += o.filtered();
    if (o.newId().equals(self.subtree())) {
      parent.kept.add(self);
    } else {
      parent.kept.add(self.withSubtree(o.newId()));
      parent.changed = true;
    }
  }

  /** Leaves an entry out, counting it and gathering what it needed. */
  private void remove(Frame f, String path, Node n) throws IOException {
    f.changed = true;
    eachExclude.forEach(
        (pattern, glob) -> {
          if (!matchedExcludes.contains(pattern) && glob.matches(path)) {
            matchedExcludes.add(pattern);
          }
        });
    list(n.isDir() ? path + "/" : path);
    if (n.isFile()) {
      f.files++;
      f.removedBytes += Math.max(0, n.size());
      addChunks(n.chunks());
    } else if (n.isDir()) {
      f.dirs++;
      if (n.subtree() != null) {
        long[] below = dropAll(n.subtree());
        f.files += below[0];
        f.dirs += below[1];
        f.removedBytes += below[2];
      }
    }
  }

  private void list(String path) {
    if (removed.size() < MAX_LISTED) {
      removed.add(FileName.display(path));
    } else if (!removed.contains(FileName.display(path))) {
      removedMore++;
    }
  }

  /**
   * Gathers every blob below the removed folder {@code root} and counts its files, folders and
   * bytes (each distinct tree once, memoised, saturating): {files, dirs, bytes}. A listing that
   * cannot be read counts nothing: what it lists is gone with it.
   */
  private long[] dropAll(String root) {
    Deque<String> stack = new ArrayDeque<>();
    Map<String, List<Node>> open = new HashMap<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      String id = stack.peek();
      if (dropped.containsKey(id)) {
        stack.pop();
        continue;
      }
      List<Node> nodes = open.get(id);
      if (nodes == null) {
        erased.add(id);
        nodes = readOrNull(id);
        if (nodes == null) {
          dropped.put(id, new long[3]);
          stack.pop();
          continue;
        }
        open.put(id, nodes);
        boolean waiting = false;
        for (Node n : nodes) {
          String sub = n.isDir() ? n.subtree() : null;
          if (sub != null && !dropped.containsKey(sub)) {
            if (open.containsKey(sub) || !Hex.isId(sub)) { // a tree containing itself: crafted
              dropped.put(sub, new long[3]);
              continue;
            }
            stack.push(sub);
            waiting = true;
          }
        }
        if (waiting) {
          continue;
        }
      }
      long[] c = new long[3];
      for (Node n : nodes) {
        if (n.isFile()) {
          c[0] = sat(c[0], 1);
          c[2] = sat(c[2], Math.max(0, n.size()));
          addChunks(n.chunks());
        } else if (n.isDir()) {
          c[1] = sat(c[1], 1);
          long[] sub = n.subtree() == null ? null : dropped.get(n.subtree());
          if (sub != null) {
            c[0] = sat(c[0], sub[0]);
            c[1] = sat(c[1], sub[1]);
            c[2] = sat(c[2], sub[2]);
          }
        }
      }
      dropped.put(id, c);
      open.remove(id);
      stack.pop();
    }
    return dropped.get(root);
  }

  private static long sat(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }

  /** Gives a filtered file its new content. */
  private void filter(Frame f, String path, Node n) throws IOException {
    matchedFilters.add(path);
    List<BlobIndex.Location> chunks = locations(path, n);
    Node out = filtering.filter(path, n, chunks);
    f.filtered++;
    if (out.equals(n)) {
      f.kept.add(n);
      return;
    }
    f.changed = true;
    f.removedBytes += n.size() - out.size();
    Set<String> still = new HashSet<>(out.chunks());
    for (String c : n.chunks()) {
      if (!still.contains(c)) {
        erased.add(c);
      }
    }
    f.kept.add(out);
  }

  /** A filtered file's chunks, checked as a restore checks them before reading. */
  private List<BlobIndex.Location> locations(String path, Node n) {
    if (n.sha256() == null || !Hex.isId(n.sha256()) || n.size() < 0 || n.chunks() == null) {
      throw damaged(path, "its entry records no valid SHA-256, size or chunks");
    }
    List<BlobIndex.Location> out = new ArrayList<>(n.chunks().size());
    long total = 0;
    for (String id : n.chunks()) {
      BlobIndex.Location l = Hex.isId(id) ? index.get(Hex.parse(id)) : null;
      if (l == null) {
        throw damaged(path, "chunk " + id + " is not in the index");
      }
      out.add(l);
      total += l.rawLength();
    }
    if (total != n.size()) {
      throw damaged(path, "its chunks hold " + total + " bytes, its entry says " + n.size());
    }
    return out;
  }

  private void addChunks(List<String> chunks) {
    if (chunks != null) {
      for (String c : chunks) {
        if (Hex.isId(c)) {
          erased.add(c);
        }
      }
    }
  }

  private List<Node> read(String id, String path) {
    try {
      if (!Hex.isId(id)) {
        throw new IllegalArgumentException("its subtree '" + id + "' is not a tree id");
      }
      Tree t = repo.readTree(index, id);
      return t.nodes() == null ? List.of() : t.nodes();
    } catch (IOException | RuntimeException e) {
      throw damaged(path, "its folder listing cannot be read: " + e.getMessage());
    }
  }

  private List<Node> readOrNull(String id) {
    if (!Hex.isId(id)) {
      return null;
    }
    try {
      Tree t = repo.readTree(index, id);
      return t.nodes() == null ? List.of() : t.nodes();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether the folder at {@code path} (names joined by '/') below {@code root}, already rewritten,
   * lost nothing: false when it is not there, an exclude removed it, or its tree changed. Reads one
   * tree per name of the path.
   */
  boolean intact(String root, String path) {
    if (!excludes.isEmpty() && excludes.matchesOrParent(path)) {
      return false;
    }
    String tree = root;
    String at = "";
    for (String name : path.split("/")) {
      List<Node> nodes = readOrNull(tree);
      Node folder = nodes == null ? null : named(nodes, name);
      if (folder == null || !folder.isDir() || folder.subtree() == null) {
        return false;
      }
      at = at.isEmpty() ? name : at + "/" + name;
      tree = folder.subtree();
    }
    Outcome o = memo.get(key(at, tree));
    return o == null || o.newId().equals(tree);
  }

  private static Node named(List<Node> nodes, String name) {
    for (Node n : nodes) {
      if (name.equals(n.fileName())) {
        return n;
      }
    }
    return null;
  }

  static ArcaException damaged(String path, String why) {
    return ArcaException.integrity(
        (path.isEmpty() ? "(root)" : FileName.display(path)) + ": " + why);
  }

  private static String key(String path, String tree) {
    return tree + "/" + path;
  }
}
