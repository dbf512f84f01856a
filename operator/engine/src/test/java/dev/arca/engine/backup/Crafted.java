package dev.arca.engine.backup;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.format.Tree;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes hand-made snapshots straight into a repository, as an attacker or a bug could: trees with
 * any names, files with any chunk lists. For tests of what restore and verify refuse.
 */
public final class Crafted {
  private final Repository repo;
  private final BlobIndex index;
  private final ChunkSink sink;

  public Crafted(Repository repo) {
    this.repo = repo;
    this.index = repo.loadIndex();
    this.sink = new ChunkSink(repo, index, 0);
  }

  /** Stores content as one chunk; returns a file node with a correct hash. */
  public Node file(String name, byte[] content) throws Exception {
    String id = Hex.of(sink.store(BlobType.DATA, content, 0, content.length));
    var md = dev.arca.engine.crypto.ChunkIds.sha256();
    String sha = Hex.of(md.digest(content));
    return new Node(
        name, Node.FILE, 0644, 0, 0, 0, 0, 0, content.length, sha, List.of(id), null, null);
  }

  /** {@code n} with exactly these name fields (either may be null), as a crafted tree holds. */
  public static Node named(Node n, String name, String nameBytes) {
    return new Node(
        name,
        nameBytes,
        n.type(),
        n.mode(),
        n.mtimeNs(),
        n.ctimeNs(),
        n.inode(),
        n.uid(),
        n.gid(),
        n.size(),
        n.sha256(),
        n.chunks(),
        n.target(),
        n.subtree());
  }

  public Node dir(String name, List<Node> children) throws Exception {
    return new Node(name, Node.DIR, 0755, 0, 0, 0, 0, 0, 0, null, null, null, tree(children));
  }

  public String tree(List<Node> nodes) throws Exception {
    byte[] json = ObjectCodec.JSON.writeValueAsBytes(new Tree(nodes));
    return Hex.of(sink.store(BlobType.TREE, json, 0, json.length));
  }

  /** Flushes packs and index, then commits a snapshot whose root holds {@code nodes}. */
  public String commit(List<Node> nodes) throws Exception {
    return commit(nodes, null);
  }

  /** As {@link #commit(List)}, with the counts the snapshot records. */
  public String commit(List<Node> nodes, Snapshot.Stats stats) throws Exception {
    return commit(nodes, stats, null);
  }

  /** As {@link #commit(List, Snapshot.Stats)}, with the checkpoints the snapshot lists. */
  public String commit(
      List<Node> nodes, Snapshot.Stats stats, List<dev.arca.engine.format.Checkpoint> checkpoints)
      throws Exception {
    String root = tree(nodes);
    sink.flush();
    repo.saveIndex(sink.newBlobs());
    sink.close();
    Snapshot s =
        new Snapshot(
            Instant.now().toString(),
            "crafted",
            List.of("/crafted"),
            Map.of(),
            null,
            "full",
            root,
            List.of(),
            List.of(),
            stats,
            "crafted",
            null,
            checkpoints);
    return Snapshots.save(repo, s);
  }
}
