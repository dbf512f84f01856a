package dev.arca.engine.repair;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.format.Tree;
import dev.arca.engine.repo.PackOutput;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the tree blobs of repaired snapshots, compressed and sealed like a backup's, and indexes
 * them in {@link #finish}. A tree the index already has is not written again. With {@code dryRun}
 * only ids are computed.
 */
final class TreeStore {
  private final Repository repo;
  private final BlobIndex index;
  private final boolean dryRun;
  private final PackOutput out;
  private final Set<String> written = new HashSet<>();

  TreeStore(Repository repo, BlobIndex index, boolean dryRun) {
    this.repo = repo;
    this.index = index;
    this.dryRun = dryRun;
    this.out = new PackOutput(repo);
  }

  /** Stores a folder listing (sorted by name) and returns its tree id. */
  String store(List<Node> nodes) throws IOException {
    byte[] json = ObjectCodec.JSON.writeValueAsBytes(new Tree(nodes));
    Limits.check(json.length, Limits.MAX_TREE_BLOB, "a repaired folder listing");
    byte[] id = repo.ids().id(json, 0, json.length);
    String hex = Hex.of(id);
    if (dryRun || index.contains(id) || !written.add(hex)) {
      return hex;
    }
    out.addTree(id, json);
    return hex;
  }

  /** Stores the last pack and the index of every tree written. */
  void finish() throws IOException {
    if (!dryRun) {
      out.finish();
    }
  }
}
