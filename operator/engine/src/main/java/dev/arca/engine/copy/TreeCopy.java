package dev.arca.engine.copy;

import dev.arca.engine.backup.ContentWriter;
import dev.arca.engine.export.ChunkReader;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Tree;
import dev.arca.engine.fs.SafeNames;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Copies one snapshot's trees into the target, bottom up: every file's content is read from the
 * source and stored by the target's own chunker ({@link ContentWriter}), unless the target's parent
 * snapshot holds a file at the same path with the same size and SHA-256 whose chunks the target
 * has; then every folder's listing is stored with the new ids. Each distinct source tree is copied
 * once (equal folders share one tree, so a crafted snapshot whose folders share subtrees level
 * after level costs no more than its distinct trees); folders are walked with an explicit stack.
 *
 * <p>Verification: each file's bytes, as read (every chunk's AEAD tag or id checked), must give the
 * SHA-256 the source snapshot records for it. Entries the format refuses, trees that cannot be read
 * and files whose bytes are missing or damaged are the source's damage: the walk goes on to name
 * all of them, stores no folder listing, and {@link #copy} returns null.
 */
final class TreeCopy {
  private final Repository source;
  private final BlobIndex sourceIndex;
  private final Repository target;
  private final BlobIndex targetIndex;
  private final ContentWriter writer;
  private final ExecutorService files;
  private final Semaphore slots;
  private final Consumer<String> warn;
  private final Map<String, String> copiedTrees = new HashMap<>();
  private final List<String> damaged = new ArrayList<>();

  /** Damaged entries named at most (a crafted snapshot may hold millions); the rest are counted. */
  static final int DAMAGE_NAMED = 1000;

  private long damagedMore;
  final AtomicLong reused = new AtomicLong();
  final AtomicLong filesRead = new AtomicLong();
  final AtomicLong bytesRead = new AtomicLong();

  /** One folder being copied: its entries, the parent's entries by name, and their results. */
  private static final class Frame {
    final String path;
    final int bytes;
    final List<Node> nodes;
    final Map<String, Node> previous;
    final Node self;
    final List<CompletableFuture<Node>> out = new ArrayList<>();
    final CompletableFuture<Node> result = new CompletableFuture<>();
    final Set<String> seen = new HashSet<>();
    int next;

    Frame(String path, int bytes, List<Node> nodes, Map<String, Node> previous, Node self) {
      this.path = path;
      this.bytes = bytes;
      this.nodes = nodes;
      this.previous = previous;
      this.self = self;
    }
  }

  TreeCopy(
      Repository source,
      BlobIndex sourceIndex,
      Repository target,
      BlobIndex targetIndex,
      ContentWriter writer,
      ExecutorService files,
      int filesAtOnce,
      Consumer<String> warn) {
    this.source = source;
    this.sourceIndex = sourceIndex;
    this.target = target;
    this.targetIndex = targetIndex;
    this.writer = writer;
    this.files = files;
    this.slots = new Semaphore(filesAtOnce);
    this.warn = warn;
  }

  /**
   * The source's damage found, each "path: why"; past {@link #DAMAGE_NAMED}, one last line says how
   * many more.
   */
  List<String> damaged() {
    synchronized (damaged) {
      List<String> out = new ArrayList<>(damaged);
      if (damagedMore > 0) {
        out.add("... and " + damagedMore + " more damaged entries");
      }
      return out;
    }
  }

  /**
   * Copies the tree {@code root}; {@code previousRoot} is the target parent snapshot's root tree
   * (or null). Returns the target's root tree id, or null when the source is damaged ({@link
   * #damaged}). Failures of the target (or of reaching the source) are thrown.
   */
  String copy(String root, String previousRoot) throws IOException {
    Deque<Frame> stack = new ArrayDeque<>();
    List<Node> rootNodes = sourceTree(root, "");
    if (rootNodes == null) {
      return null;
    }
    stack.push(new Frame("", 0, rootNodes, previousTree(previousRoot, ""), null));
    while (true) {
      Frame f = stack.peek();
      if (f.next < f.nodes.size()) {
        Frame child = entry(f, f.nodes.get(f.next++));
        if (child != null) {
          stack.push(child);
        }
        continue;
      }
      stack.pop();
      List<Node> nodes = new ArrayList<>();
      for (CompletableFuture<Node> n : f.out) {
        Node done = join(n);
        if (done != null) {
          nodes.add(done);
        }
      }
      String id = hasDamage() ? null : writer.tree(nodes, f.path);
      if (f.self == null) {
        return id;
      }
      if (id != null) {
        copiedTrees.put(f.self.subtree(), id);
      }
      f.result.complete(id == null ? null : f.self.withSubtree(id));
    }
  }

  /** Takes one entry of {@code f}; returns the frame of a folder to enter, else null. */
  private Frame entry(Frame f, Node n) throws IOException {
    String problem = SafeNames.entryProblem(n, f.seen, f.bytes);
    if (problem != null) {
      damage(f.path.isEmpty() ? "(root)" : f.path, "refusing an entry: " + problem);
      return null;
    }
    String name = n.fileName();
    int length = FileName.byteLength(name);
    String path = f.path.isEmpty() ? name : f.path + "/" + name;
    int bytes = f.path.isEmpty() ? length : f.bytes + 1 + length;
    Node previous = f.previous.get(name);
    if (n.isFile()) {
      f.out.add(file(path, n, previous));
      return null;
    }
    if (!n.isDir() || n.subtree() == null) {
      f.out.add(CompletableFuture.completedFuture(n)); // symlinks, empty folders as recorded
      return null;
    }
    String done = copiedTrees.get(n.subtree());
    if (done != null) {
      f.out.add(CompletableFuture.completedFuture(n.withSubtree(done)));
      return null;
    }
    List<Node> nodes = sourceTree(n.subtree(), path);
    if (nodes == null) {
      return null;
    }
    Map<String, Node> before =
        previous != null && previous.isDir() && previous.subtree() != null
            ? previousTree(previous.subtree(), path)
            : Map.of();
    Frame child = new Frame(path, bytes, nodes, before, n);
    f.out.add(child.result);
    return child;
  }

  /** A file's entry in the target: its content taken from the parent, or read and stored. */
  private CompletableFuture<Node> file(String path, Node n, Node previous) throws IOException {
    String problem = fileProblem(n);
    if (problem != null) {
      damage(path, problem);
      return CompletableFuture.completedFuture(null);
    }
    if (previous != null
        && previous.isFile()
        && previous.size() == n.size()
        && n.sha256().equals(previous.sha256())
        && previous.chunks() != null
        && writer.holds(previous.chunks())) {
      reused.incrementAndGet();
      return CompletableFuture.completedFuture(
          n.withContent(n.size(), n.sha256(), previous.chunks()));
    }
    List<BlobIndex.Location> locations = new ArrayList<>(n.chunks().size());
    long total = 0;
    for (String id : n.chunks()) {
      BlobIndex.Location l = sourceIndex.get(Hex.parse(id));
      if (l == null) {
        damage(path, "chunk " + id + " is missing from the source's index");
        return CompletableFuture.completedFuture(null);
      }
      locations.add(l);
      total += l.rawLength();
    }
    if (total != n.size()) {
      damage(path, "its chunks hold " + total + " bytes, its entry says " + n.size());
      return CompletableFuture.completedFuture(null);
    }
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    try {
      return CompletableFuture.supplyAsync(() -> store(path, n, locations), files)
          .whenComplete((r, t) -> slots.release());
    } catch (RuntimeException e) {
      slots.release();
      throw e;
    }
  }

  /** Reads one file from the source and stores it in the target; null if the source is damaged. */
  private Node store(String path, Node n, List<BlobIndex.Location> locations) {
    ContentWriter.Content c;
    try (SourceFile in = new SourceFile(new ChunkReader(source, locations))) {
      c = writer.file(in, in, n.size(), n.fileName());
    } catch (SourceFile.SourceProblem e) {
      if (!e.damage) {
        throw new CompletionException(e);
      }
      damage(path, e.getMessage());
      return null;
    } catch (IOException e) {
      SourceFile.SourceProblem p = sourceProblem(e);
      if (p != null && p.damage) {
        damage(path, p.getMessage());
        return null;
      }
      throw new CompletionException(p != null ? p : e);
    }
    if (c.size() != n.size() || !c.sha256().equals(n.sha256())) {
      damage(
          path,
          "its bytes do not match the SHA-256 its entry records (read "
              + c.size()
              + " bytes, sha256 "
              + c.sha256()
              + ")");
      return null;
    }
    filesRead.incrementAndGet();
    bytesRead.addAndGet(n.size());
    return n.withContent(n.size(), n.sha256(), c.chunks());
  }

  /** The source problem behind {@code e} (chunks are read on worker threads), or null. */
  private static SourceFile.SourceProblem sourceProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SourceFile.SourceProblem p) {
        return p;
      }
    }
    return null;
  }

  /** What makes a file entry uncopyable, or null. */
  private static String fileProblem(Node n) {
    if (n.sha256() == null || !Hex.isId(n.sha256())) {
      return "its entry records no valid SHA-256";
    }
    if (n.size() < 0 || n.chunks() == null) {
      return "its entry records no size or no chunks";
    }
    for (String id : n.chunks()) {
      if (!Hex.isId(id)) {
        return "its entry names a chunk id that is not 64 hex digits";
      }
    }
    return null;
  }

  private List<Node> sourceTree(String id, String path) {
    try {
      Tree t = source.readTree(sourceIndex, id);
      return t.nodes() == null ? List.of() : t.nodes();
    } catch (IOException | RuntimeException e) { // a subtree that is not an id, too
      damage(
          path.isEmpty() ? "(root)" : path, "its folder listing cannot be read: " + e.getMessage());
      return null;
    }
  }

  /** The target parent's entries of a folder by name; none when it cannot be read. */
  private Map<String, Node> previousTree(String id, String path) {
    if (id == null) {
      return Map.of();
    }
    try {
      Tree t = target.readTree(targetIndex, id);
      Map<String, Node> byName = new HashMap<>();
      if (t.nodes() != null) {
        for (Node n : t.nodes()) {
          if (n.fileName() != null) {
            byName.put(n.fileName(), n);
          }
        }
      }
      return byName;
    } catch (IOException | RuntimeException e) {
      warn.accept(
          (path.isEmpty() ? "the target's parent snapshot" : FileName.display(path))
              + ": the target's parent listing cannot be read ("
              + e.getMessage()
              + "); its files are read from the source");
      return Map.of();
    }
  }

  private void damage(String path, String why) {
    synchronized (damaged) {
      if (damaged.size() < DAMAGE_NAMED) {
        damaged.add(FileName.display(path) + ": " + why);
      } else {
        damagedMore++;
      }
    }
  }

  private boolean hasDamage() {
    synchronized (damaged) {
      return !damaged.isEmpty();
    }
  }

  private static Node join(CompletableFuture<Node> f) throws IOException {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(c);
    }
  }
}
