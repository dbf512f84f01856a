package dev.arca.engine.backup;

import dev.arca.engine.Progress;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.format.Tree;
import dev.arca.engine.fs.PathFilter;
import dev.arca.engine.fs.SourceStat;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;

/**
 * Walks the source tree next to the parent snapshot's tree, turning each entry into a {@link Node}.
 * Files are read on a pool; a folder's tree blob is stored once all its entries are done. Files
 * whose size, mtime, ctime and inode match the parent are taken from it without being read.
 */
final class Walker {
  private final Repository repo;
  private final BlobIndex index;
  private final ChunkSink sink;
  private final FileReader reader;
  private final ExecutorService files;
  private final PathFilter filter;
  private final boolean full;
  private final Semaphore fileSlots;
  private final Progress progress;
  private final Counters counters = new Counters();

  Walker(
      Repository repo,
      BlobIndex index,
      ChunkSink sink,
      FileReader reader,
      ExecutorService files,
      PathFilter filter,
      boolean full,
      int threads,
      Progress progress) {
    this.repo = repo;
    this.index = index;
    this.sink = sink;
    this.reader = reader;
    this.files = files;
    this.filter = filter;
    this.full = full;
    this.fileSlots = new Semaphore(threads * 4);
    this.progress = progress;
  }

  Counters counters() {
    return counters;
  }

  CompletableFuture<Node> entry(Path p, String rel, Node parentNode, boolean root) {
    return entry(p, rel, stat(p), parentNode, root);
  }

  /** lstat of a path, or the exception it threw. */
  private static Object stat(Path p) {
    try {
      return SourceStat.of(p);
    } catch (IOException e) {
      return e;
    }
  }

  private CompletableFuture<Node> entry(
      Path p, String rel, Object statOrError, Node parentNode, boolean root) {
    if (statOrError instanceof NoSuchFileException) {
      progress.warn(rel + ": vanished before it could be read; not in this snapshot");
      return CompletableFuture.completedFuture(null);
    } else if (statOrError instanceof IOException e) {
      return unreadable(rel, e);
    }
    SourceStat st = (SourceStat) statOrError;
    if (!root && filter.excluded(rel)) {
      return CompletableFuture.completedFuture(null);
    }
    String name = p.getFileName().toString();
    switch (st.type()) {
      case SPECIAL -> {
        counters.special.incrementAndGet();
        progress.warn(rel + ": FIFO, socket or device; skipped");
        return CompletableFuture.completedFuture(null);
      }
      case SYMLINK -> {
        if (!filter.included(rel)) {
          return CompletableFuture.completedFuture(null);
        }
        try {
          String target = Files.readSymbolicLink(p).toString();
          return CompletableFuture.completedFuture(
              node(name, Node.SYMLINK, st, 0, null, null, target));
        } catch (IOException e) {
          return unreadable(rel, e);
        }
      }
      case FILE -> {
        if (!filter.included(rel)) {
          return CompletableFuture.completedFuture(null);
        }
        if (!full && parentNode != null && parentNode.isFile() && unchanged(parentNode, st)) {
          // Nothing to read: answer on this thread rather than queueing a task.
          return CompletableFuture.completedFuture(unchangedFile(name, st, parentNode));
        }
        fileSlots.acquireUninterruptibly();
        return CompletableFuture.supplyAsync(
            () -> {
              try {
                return file(p, rel, name, st, parentNode);
              } finally {
                fileSlots.release();
              }
            },
            files);
      }
      default -> {
        return directory(p, rel, name, st, parentNode, root);
      }
    }
  }

  private CompletableFuture<Node> directory(
      Path p, String rel, String name, SourceStat st, Node parentNode, boolean root) {
    // The parent snapshot's listing is fetched while this folder is listed and stat'ed.
    CompletableFuture<Map<String, Node>> previous =
        !full && parentNode != null && parentNode.isDir() && parentNode.subtree() != null
            ? CompletableFuture.supplyAsync(() -> children(parentNode.subtree(), rel))
            : CompletableFuture.completedFuture(Map.of());
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
      for (Path c : ds) {
        names.add(c.getFileName().toString());
      }
    } catch (IOException e) {
      previous.join();
      return unreadable(rel, e);
    }
    names.sort(Comparator.naturalOrder());
    List<Object> stats = new ArrayList<>(names.size());
    for (String n : names) {
      stats.add(stat(p.resolve(n)));
    }
    Map<String, Node> before = previous.join();
    final List<Node> parentNodes = before.isEmpty() ? null : sortedByName(before.values());
    List<CompletableFuture<Node>> kids = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      kids.add(entry(p.resolve(n), rel + "/" + n, stats.get(i), before.get(n), false));
    }
    return CompletableFuture.allOf(kids.toArray(CompletableFuture[]::new))
        .thenApplyAsync(
            v -> {
              List<Node> nodes = new ArrayList<>();
              for (CompletableFuture<Node> k : kids) {
                Node n = k.join();
                if (n != null) {
                  nodes.add(n);
                }
              }
              if (nodes.isEmpty() && !root && filter.hasIncludes() && !filter.included(rel)) {
                return null;
              }
              counters.dirs.incrementAndGet();
              Node dir = node(name, Node.DIR, st, 0, null, null, null);
              if (parentNodes != null && nodes.equals(parentNodes)) {
                return dir.withSubtree(parentNode.subtree()); // unchanged folder: same tree blob
              }
              return dir.withSubtree(storeTree(nodes, rel));
            },
            files);
  }

  /** A file the parent snapshot already has: its content is taken from there, not read. */
  private Node unchangedFile(String name, SourceStat st, Node prev) {
    counters.unchanged.incrementAndGet();
    counters.files.incrementAndGet();
    counters.bytes.addAndGet(prev.size());
    progress.bytes(prev.size());
    progress.fileDone();
    return node(name, Node.FILE, st, prev.size(), prev.sha256(), prev.chunks(), null);
  }

  private Node file(Path p, String rel, String name, SourceStat st, Node prev) {
    FileReader.Content c;
    try {
      c = reader.read(p, st);
    } catch (NoSuchFileException e) {
      progress.warn(rel + ": vanished while it was read; not in this snapshot");
      return null;
    } catch (IOException e) {
      counters.unreadable.add(rel + ": " + e.getMessage());
      progress.warn(rel + ": cannot be read (" + e.getMessage() + "); not in this snapshot");
      return null;
    }
    SourceStat after;
    try {
      after = SourceStat.of(p);
    } catch (IOException e) {
      after = null;
    }
    if (after == null || !after.sameContentAs(st) || c.size() != st.size()) {
      counters.changed.incrementAndGet();
      progress.warn(
          rel
              + ": changed while it was read; stored the "
              + c.size()
              + " bytes read (sha256 "
              + c.sha256()
              + "); the next backup reads it again");
    }
    counters.files.incrementAndGet();
    counters.bytes.addAndGet(c.size());
    progress.fileDone();
    return node(name, Node.FILE, st, c.size(), c.sha256(), c.chunks(), null);
  }

  private boolean unchanged(Node prev, SourceStat st) {
    if (prev.size() != st.size()
        || prev.mtimeNs() != st.mtimeNs()
        || prev.ctimeNs() != st.ctimeNs()
        || prev.inode() != st.inode()
        || prev.sha256() == null
        || prev.chunks() == null) {
      return false;
    }
    for (String id : prev.chunks()) {
      if (!index.contains(Hex.parse(id))) {
        return false; // the parent refers to data the repository no longer has: read again
      }
    }
    return true;
  }

  private static Node node(
      String name,
      String type,
      SourceStat st,
      long size,
      String sha,
      List<String> chunks,
      String target) {
    return new Node(
        name,
        type,
        st.mode(),
        st.mtimeNs(),
        st.ctimeNs(),
        st.inode(),
        st.uid(),
        st.gid(),
        size,
        sha,
        chunks,
        target,
        null);
  }

  private static List<Node> sortedByName(java.util.Collection<Node> nodes) {
    List<Node> out = new ArrayList<>(nodes);
    out.sort(Comparator.comparing(Node::name));
    return out;
  }

  /** Stores the listing of the folder {@code rel} as a tree blob and returns its id. */
  String storeTree(List<Node> nodes, String rel) {
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparing(Node::name));
    try {
      byte[] json = ObjectCodec.JSON.writeValueAsBytes(new Tree(sorted));
      if (json.length > dev.arca.engine.format.Limits.MAX_TREE_BLOB) {
        throw new dev.arca.engine.ArcaException(
            dev.arca.engine.ArcaException.Kind.ERROR,
            (rel.isEmpty() ? "the snapshot's root" : rel)
                + ": its listing takes "
                + json.length
                + " bytes, more than a folder's listing may ("
                + dev.arca.engine.format.Limits.MAX_TREE_BLOB
                + "); split the folder, or back it up in parts with --include");
      }
      return Hex.of(sink.store(BlobType.TREE, json, 0, json.length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The entries of a parent snapshot's tree by name; empty (with a warning) if unreadable. */
  Map<String, Node> children(String treeId, String rel) {
    try {
      Map<String, Node> out = new HashMap<>();
      for (Node n : repo.readTree(index, treeId).nodes()) {
        out.put(n.name(), n);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      progress.warn(rel + ": parent snapshot's listing is unreadable (" + e.getMessage() + ")");
      return Map.of();
    }
  }

  private CompletableFuture<Node> unreadable(String rel, IOException e) {
    counters.unreadable.add(rel + ": " + e.getMessage());
    progress.warn(rel + ": cannot be read (" + e + "); not in this snapshot");
    return CompletableFuture.completedFuture(null);
  }
}
