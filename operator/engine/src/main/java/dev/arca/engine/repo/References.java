package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Tree;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The blobs that snapshots need: every tree reachable from their roots and every chunk of every
 * file. A tree that cannot be read stops the walk with an error, because prune must never decide
 * what is unused from a partial picture.
 */
public final class References {
  private References() {}

  /** Hex ids of every blob the given snapshots need. */
  public static Set<String> of(Repository repo, BlobIndex index, List<Snapshots.Ref> snapshots)
      throws IOException {
    return ofTrees(repo, index, snapshots.stream().map(s -> s.snapshot().tree()).toList());
  }

  /** Hex ids of every blob the given root trees need, the roots included. */
  public static Set<String> ofTrees(Repository repo, BlobIndex index, List<String> roots)
      throws IOException {
    Set<String> used = new HashSet<>();
    Deque<String> trees = new ArrayDeque<>();
    for (String root : roots) {
      if (used.add(root)) {
        trees.push(root);
      }
    }
    while (!trees.isEmpty()) {
      String id = trees.pop();
      Tree t;
      try {
        t = repo.readTree(index, id);
      } catch (ArcaException e) {
        throw new ArcaException(
            ArcaException.Kind.INTEGRITY,
            "prune stopped, nothing was deleted: "
                + e.getMessage()
                + "; run 'arca verify' to see what is damaged",
            e);
      }
      for (Node n : t.nodes()) {
        if (n.subtree() != null && used.add(n.subtree())) {
          trees.push(n.subtree());
        }
        if (n.chunks() != null) {
          used.addAll(n.chunks());
        }
      }
    }
    return used;
  }
}
