package dev.arca.engine.backup;

import dev.arca.engine.Progress;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Reads folders for the {@link Walker} on a pool of I/O threads: a folder's listing (its entries'
 * names and lstat) and, beside it, the parent snapshot's listing of the same folder. The walk takes
 * folders one at a time in name order; it asks for the next few folders of every open folder ahead
 * of time ({@link #AHEAD}), so that their disk reads overlap. With a cold page cache each listing
 * costs disk reads: read one after the other, the 18,444 folders of the benchmark's real data set
 * kept a no-change backup waiting on {@code readdir} for most of its time.
 */
final class FolderReads {
  /** Folders read ahead of the walk's position in each open folder. */
  static final int AHEAD = 16;

  /** Threads reading folders: the work is waiting on the disk, so more than the cores. */
  static final int THREADS = 8;

  /**
   * A folder as read: its listing or the error listing it gave, and the parent snapshot's entries
   * of the same folder by name (empty when there is none or it is unreadable).
   */
  record Opened(Listing listing, IOException error, Map<String, Node> before) {}

  private final Repository repo;
  private final BlobIndex index;
  private final ParentDamage damage;
  private final Progress progress;
  private final ExecutorService pool;

  FolderReads(
      Repository repo,
      BlobIndex index,
      ParentDamage damage,
      Progress progress,
      ExecutorService pool) {
    this.repo = repo;
    this.index = index;
    this.damage = damage;
    this.progress = progress;
    this.pool = pool;
  }

  /**
   * Starts reading the folder at {@code p} ({@code rel} in the snapshot) and, unless {@code
   * parentNode} is null, its listing in the parent snapshot.
   */
  CompletableFuture<Opened> read(Path p, String rel, Node parentNode) {
    CompletableFuture<Map<String, Node>> before =
        parentNode != null && parentNode.isDir() && parentNode.subtree() != null
            ? CompletableFuture.supplyAsync(() -> children(parentNode.subtree(), rel), pool)
            : CompletableFuture.completedFuture(Map.of());
    return list(p).thenCombine(before, FolderReads::opened);
  }

  /**
   * The folder at {@code p} listed again, with the parent snapshot's entries of {@code ahead} (a
   * read of it started earlier): for a folder whose listing must not be older than a check just
   * made on it. A checkpoint folder read ahead before its completion marker was written would
   * otherwise be stored as that older listing, without the files written since, the marker among
   * them.
   */
  CompletableFuture<Opened> relist(Path p, CompletableFuture<Opened> ahead) {
    return list(p).thenCombine(ahead, (l, o) -> opened(l, o.before()));
  }

  /** The folder's listing, or the IOException listing it gave. */
  private CompletableFuture<Object> list(Path p) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Listing.of(p, pool);
          } catch (IOException e) {
            return e;
          } catch (java.nio.file.DirectoryIteratorException e) {
            return e.getCause(); // an entry that could not be read: the folder is unreadable
          }
        },
        pool);
  }

  private static Opened opened(Object listing, Map<String, Node> before) {
    return listing instanceof IOException e
        ? new Opened(null, e, before)
        : new Opened((Listing) listing, null, before);
  }

  /**
   * The entries of a parent snapshot's tree by name; empty (with a warning) if unreadable, and a
   * damaged copy is noted in {@link ParentDamage}.
   */
  Map<String, Node> children(String treeId, String rel) {
    try {
      Map<String, Node> out = new HashMap<>();
      for (Node n : repo.readTree(index, treeId).nodes()) {
        out.put(n.fileName(), n);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      damage.failed(Hex.isId(treeId) ? index.get(Hex.parse(treeId)) : null, e);
      progress.warn(
          FileName.display(rel)
              + ": parent snapshot's listing is unreadable ("
              + e.getMessage()
              + ")");
      return Map.of();
    }
  }
}
