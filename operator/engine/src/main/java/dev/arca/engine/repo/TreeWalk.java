package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.fs.PathFilter;
import dev.arca.engine.fs.SafeNames;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks a snapshot's trees depth first, in name order, with an explicit stack: a tree thousands of
 * levels deep takes no more call stack than a flat one. Every entry passes the name rules first
 * (not empty, not {@code .} or {@code ..}, no {@code /} or NUL, and no name twice in one folder,
 * which also rules out an entry below a symlink of the same name); a refused entry is reported to
 * the visitor and not handed over. The walk is bounded by the snapshot's own counts: trees that
 * expand to more folders than the snapshot recorded (plus {@link #FOLDER_MARGIN}) are damage, so a
 * crafted repository whose trees share subtrees cannot make a walk run on without end.
 */
public final class TreeWalk {
  /** Folders a walk may enter beyond those the snapshot counted (roots, stream folders). */
  public static final long FOLDER_MARGIN = 10_000;

  /**
   * The longest path a snapshot can hold, in bytes ({@link Limits#MAX_PATH}). A longer one (a
   * crafted chain of folders) is refused, so that building paths never takes more than that per
   * entry.
   */
  public static final int MAX_PATH = Limits.MAX_PATH;

  /** What a walk does with the entries it meets. */
  public interface Visitor {
    /**
     * An entry that passed the name rules, at {@code path} (names joined by {@code /}, each a
     * {@link FileName} string: show it with {@link FileName#display}); for a folder, whether to
     * walk into it.
     */
    boolean enter(String path, Node node) throws IOException;

    /**
     * After the entries of a folder that {@link #enter} walked into (at once when it has no listing
     * or its listing cannot be read).
     */
    default void leave(String path, Node node) throws IOException {}

    /** An entry of the folder {@code folder} ({@code ""} for the root) refused by the rules. */
    void refused(String folder, String problem) throws IOException;

    /** A folder ({@code ""} for the root) whose listing cannot be read. */
    void unreadable(String folder, Exception e) throws IOException;
  }

  /**
   * A visitor that selects entries the way restore and export do, by include globs: a file or link
   * when the filter includes it, a folder when it is included itself or anything below it is;
   * folders no include can reach are not even listed.
   */
  public abstract static class Selector implements Visitor {
    /** Per folder walked into: whether anything below it was kept. */
    private final Deque<boolean[]> open = new ArrayDeque<>(List.of(new boolean[1]));

    private final PathFilter filter;

    protected Selector(PathFilter filter) {
      this.filter = filter;
    }

    /** Whether the entry can be taken at all (false: it was reported and is left out). */
    protected boolean accept(String path, Node n) {
      return true;
    }

    /** Takes a folder (tentatively: {@link #dropFolder} takes the last one back). */
    protected abstract void addFolder(String path, Node n);

    /** Takes back the folder added last: nothing below it was selected. */
    protected abstract void dropFolder();

    /** Takes a selected file or link. */
    protected abstract void addLeaf(String path, Node n);

    @Override
    public final boolean enter(String path, Node n) {
      if (!accept(path, n)) {
        return false;
      }
      if (n.isDir()) {
        addFolder(path, n);
        if (n.subtree() != null && filter.mayIncludeBelow(path)) {
          open.push(new boolean[1]);
          return true;
        }
        keepOrDrop(path, false);
      } else if (filter.included(path)) {
        addLeaf(path, n);
        open.peek()[0] = true;
      }
      return false;
    }

    @Override
    public final void leave(String path, Node n) {
      keepOrDrop(path, open.pop()[0]);
    }

    private void keepOrDrop(String path, boolean below) {
      if (!below && !filter.included(path)) {
        dropFolder();
      } else {
        open.peek()[0] = true;
      }
    }
  }

  private TreeWalk() {}

  /** Walks the snapshot {@code snap}. */
  public static void walk(Repository repo, BlobIndex index, Snapshots.Ref snap, Visitor v)
      throws IOException {
    new Walk(repo, index, v, maxFolders(snap.snapshot()), snap.id()).run(snap.snapshot().tree());
  }

  /**
   * The most folders a walk of the snapshot {@code s} enters: those it recorded plus {@link
   * #FOLDER_MARGIN}. Trees that expand to more are damage (verify reports them as such).
   */
  public static long maxFolders(Snapshot s) {
    Snapshot.Stats stats = s.stats();
    return (stats == null ? 0 : Math.max(0, stats.dirs())) + FOLDER_MARGIN;
  }

  /** The message for a snapshot whose trees expand to more folders than it may. */
  static String tooManyFolders(String snapshotId, long maxFolders) {
    return "snapshot "
        + snapshotId
        + " is damaged: its trees expand to more than the "
        + (maxFolders - FOLDER_MARGIN)
        + " folders it recorded (shared subtrees?)";
  }

  /**
   * One folder being walked: its path and the path's length in bytes, its node (null for the root)
   * and its entries.
   */
  private record Frame(
      String path, int bytes, Node node, List<Node> nodes, int[] next, Set<String> seen) {}

  private static final class Walk {
    private final Repository repo;
    private final BlobIndex index;
    private final Visitor v;
    private final long maxFolders;
    private final String snapshotId;
    private long folders;

    Walk(Repository repo, BlobIndex index, Visitor v, long maxFolders, String snapshotId) {
      this.repo = repo;
      this.index = index;
      this.v = v;
      this.maxFolders = maxFolders;
      this.snapshotId = snapshotId;
    }

    void run(String root) throws IOException {
      Deque<Frame> stack = new ArrayDeque<>();
      open(stack, "", 0, null, root);
      while (!stack.isEmpty()) {
        Frame f = stack.peek();
        if (f.next()[0] == f.nodes().size()) {
          stack.pop();
          if (f.node() != null) {
            v.leave(f.path(), f.node());
          }
          continue;
        }
        Node n = f.nodes().get(f.next()[0]++);
        String name = n.fileName();
        String problem = SafeNames.problem(n);
        if (problem == null && !f.seen().add(name)) {
          problem = "name '" + FileName.display(name) + "' appears twice in one folder";
        }
        if (problem != null) {
          v.refused(f.path(), "refusing unsafe entry in snapshot: " + problem);
          continue;
        }
        int length = FileName.byteLength(name);
        if (f.bytes() + 1 + length > MAX_PATH) {
          v.refused(
              f.path(),
              "refusing entry '"
                  + FileName.display(name)
                  + "': its path would be longer than "
                  + MAX_PATH
                  + " bytes, more than any backup can hold");
          continue;
        }
        String path = f.path().isEmpty() ? name : f.path() + "/" + name;
        int bytes = f.path().isEmpty() ? length : f.bytes() + 1 + length;
        if (v.enter(path, n) && n.isDir()) {
          if (n.subtree() == null) {
            v.leave(path, n);
            continue;
          }
          if (++folders > maxFolders) {
            throw ArcaException.integrity(
                tooManyFolders(snapshotId, maxFolders)
                    + "; nothing past "
                    + FileName.display(path)
                    + " was walked");
          }
          if (!open(stack, path, bytes, n, n.subtree())) {
            v.leave(path, n);
          }
        }
      }
    }

    /** Reads a folder's listing onto the stack; false (and the visitor told) if unreadable. */
    private boolean open(Deque<Frame> stack, String path, int bytes, Node node, String treeId)
        throws IOException {
      List<Node> nodes;
      try {
        nodes = repo.readTree(index, treeId).nodes();
      } catch (IOException | RuntimeException e) {
        v.unreadable(path, e);
        return false;
      }
      stack.push(
          new Frame(
              path, bytes, node, nodes == null ? List.of() : nodes, new int[1], new HashSet<>()));
      return true;
    }
  }
}
