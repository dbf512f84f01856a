package dev.arca.engine.backup;

import dev.arca.engine.Progress;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.format.Part;
import dev.arca.engine.format.Shares;
import dev.arca.engine.format.Tree;
import dev.arca.engine.fs.PathFilter;
import dev.arca.engine.fs.RawPaths;
import dev.arca.engine.fs.SourceStat;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
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
  private final FolderReads folders;
  private final ParentDamage parentDamage;
  private final CheckpointGate checkpoints;
  private final SplitPlan split;
  private final Counters counters = new Counters();
  private final java.util.Queue<Part.Piece> pieces =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  Walker(
      Repository repo,
      BlobIndex index,
      ChunkSink sink,
      FileReader reader,
      ExecutorService files,
      ExecutorService folderPool,
      PathFilter filter,
      boolean full,
      int threads,
      Progress progress,
      CheckpointGate checkpoints,
      SplitPlan split) {
    this.repo = repo;
    this.index = index;
    this.sink = sink;
    this.reader = reader;
    this.files = files;
    this.filter = filter;
    this.full = full;
    this.fileSlots = new Semaphore(threads * 4);
    this.progress = progress;
    this.checkpoints = checkpoints;
    this.split = split;
    this.parentDamage = new ParentDamage(sink);
    this.folders = new FolderReads(repo, index, parentDamage, progress, folderPool);
  }

  Counters counters() {
    return counters;
  }

  /** The parent snapshot's damaged tree blobs met so far. */
  ParentDamage parentDamage() {
    return parentDamage;
  }

  /**
   * Starts the backup of the entry at {@code p}: files are read on the pool, folders are listed on
   * this thread. The folders are walked depth first with an explicit stack rather than by
   * recursion, so a tree thousands of levels deep needs no more call stack than a flat one; a
   * folder's tree blob is stored on the pool once all its entries are done. Folders are read ahead
   * of the walk ({@link FolderReads}).
   */
  CompletableFuture<Node> entry(Path p, String rel, Node parentNode, boolean root) {
    Deque<Folder> open = new ArrayDeque<>();
    // a root's path in the snapshot is its name
    CompletableFuture<Node> top =
        start(p, rel, rel, Listing.stat(p), parentNode, root, open, null, null);
    while (!open.isEmpty()) {
      Folder f = open.peek();
      int i = f.next()[0]++;
      Listing l = f.entries();
      if (i == l.names().size()) {
        open.pop();
        finish(f);
        continue;
      }
      readAhead(f, i + FolderReads.AHEAD);
      CompletableFuture<FolderReads.Opened> read = f.ahead().set(i, null); // not kept once used
      String n = l.names().get(i);
      String rel1 = f.rel() + "/" + n;
      f.kids()
          .add(
              start(
                  l.paths().get(i),
                  rel1,
                  n,
                  l.stats().get(i),
                  f.before().get(n),
                  false,
                  open,
                  read,
                  f.checkpoint()));
    }
    return top;
  }

  /** Starts reading the sub-folders of {@code f} up to entry {@code end} that are not yet read. */
  private void readAhead(Folder f, int end) {
    Listing l = f.entries();
    int to = Math.min(end, l.names().size());
    for (int j = f.next()[1]; j < to; j++) {
      String rel = f.rel() + "/" + l.names().get(j);
      if (l.stats().get(j) instanceof SourceStat st
          && st.type() == SourceStat.Type.DIR
          && !filter.excluded(rel)) {
        Node before = full ? null : f.before().get(l.names().get(j));
        f.ahead().set(j, folders.read(l.paths().get(j), rel, before));
      }
    }
    f.next()[1] = Math.max(f.next()[1], to);
  }

  /**
   * Starts one entry: a file is queued, a folder is listed and pushed onto {@code open} (its node
   * completes when {@link #finish} has stored its listing), anything else is answered at once. A
   * checkpoint folder is judged first ({@link CheckpointGate#enter}) and listed after it (a listing
   * read ahead is taken again: it may predate the files the judgement saw); {@code within} is the
   * checkpoint the entry is in, if any.
   */
  private CompletableFuture<Node> start(
      Path p,
      String rel,
      String name,
      Object statOrError,
      Node parentNode,
      boolean root,
      Deque<Folder> open,
      CompletableFuture<FolderReads.Opened> read,
      CheckpointRead within) {
    if (statOrError instanceof NoSuchFileException) {
      vanished(rel, "before it could be read", within);
      return CompletableFuture.completedFuture(null);
    } else if (statOrError instanceof IOException e) {
      return unreadable(rel, e, within);
    }
    SourceStat st = (SourceStat) statOrError;
    if (!root && filter.excluded(rel)) {
      return CompletableFuture.completedFuture(null);
    }
    if (split != null && !split.ownsTheRest() && st.type() != SourceStat.Type.DIR) {
      if (st.type() != SourceStat.Type.FILE || !split.owns(rel)) {
        return CompletableFuture.completedFuture(null); // another part's
      }
    }
    switch (st.type()) {
      case SPECIAL -> {
        counters.special.incrementAndGet();
        progress.warn(FileName.display(rel) + ": FIFO, socket or device; skipped");
        return CompletableFuture.completedFuture(null);
      }
      case SYMLINK -> {
        if (!filter.included(rel)) {
          return CompletableFuture.completedFuture(null);
        }
        try {
          String target = RawPaths.linkTarget(p);
          return CompletableFuture.completedFuture(
              node(name, Node.SYMLINK, st, 0, null, null, target));
        } catch (IOException e) {
          return unreadable(rel, e, within);
        }
      }
      case FILE -> {
        if (!filter.included(rel) || (split != null && !split.owns(rel))) {
          return CompletableFuture.completedFuture(null);
        }
        List<Shares.Piece> cut = split == null ? null : split.pieces(rel);
        if (!full && parentNode != null && parentNode.isFile() && unchanged(parentNode, st)) {
          if (cut != null && cut.get(0).owner() != split.index()) {
            return CompletableFuture.completedFuture(null); // piece 0's part keeps it whole
          }
          // Nothing to read: answer on this thread rather than queueing a task.
          return CompletableFuture.completedFuture(unchangedFile(name, st, parentNode, within));
        }
        fileSlots.acquireUninterruptibly();
        return CompletableFuture.supplyAsync(
            () -> {
              try {
                return cut != null
                    ? piece(p, rel, name, st, cut)
                    : file(p, rel, name, st, parentNode, within);
              } finally {
                fileSlots.release();
              }
            },
            files);
      }
      default -> {
        CheckpointRead ck = checkpoints.enter(p, rel, within);
        if (ck == CheckpointRead.INCOMPLETE) {
          return CompletableFuture.completedFuture(null); // not read at all
        }
        CompletableFuture<FolderReads.Opened> listing;
        if (read == null) {
          listing = folders.read(p, rel, full ? null : parentNode);
        } else if (ck != within) {
          listing = folders.relist(p, read); // a checkpoint judged now: list it after the check
        } else {
          listing = read;
        }
        Folder f = open(rel, name, st, parentNode, root, listing, ck);
        if (f == null) {
          return CompletableFuture.completedFuture(null);
        }
        open.push(f);
        return f.result();
      }
    }
  }

  /**
   * A folder whose entries are being started, in name order; {@code next[0]} is the first not yet
   * started, {@code next[1]} the first not yet considered for reading ahead, and {@code ahead}
   * holds the reads of sub-folders started but not yet used. {@code result} completes with the
   * folder's node once its listing is stored. {@code checkpoint} is the checkpoint it is or is in
   * (null: none).
   */
  private record Folder(
      String rel,
      Node dir,
      Node parentNode,
      boolean root,
      Listing entries,
      Map<String, Node> before,
      List<CompletableFuture<FolderReads.Opened>> ahead,
      List<CompletableFuture<Node>> kids,
      CompletableFuture<Node> result,
      int[] next,
      CheckpointRead checkpoint) {}

  /**
   * A folder whose listing {@code read} gives; null (and counted as unreadable) if it could not be
   * listed, which tears the checkpoint {@code ck} it is or is in.
   */
  private Folder open(
      String rel,
      String name,
      SourceStat st,
      Node parentNode,
      boolean root,
      CompletableFuture<FolderReads.Opened> read,
      CheckpointRead ck) {
    FolderReads.Opened o = read.join();
    if (o.error() != null) {
      if (o.error() instanceof NoSuchFileException) {
        vanished(rel, "before it could be read", ck); // as a file: gone since its parent's listing
      } else {
        unreadable(rel, o.error(), ck);
      }
      if (ck != null && ck.rel().equals(rel)) {
        checkpoints.whole(ck); // reports it
      }
      return null;
    }
    Node dir = node(name, Node.DIR, st, 0, null, null, null);
    int n = o.listing().names().size();
    return new Folder(
        rel,
        dir,
        parentNode,
        root,
        o.listing(),
        o.before(),
        new ArrayList<>(java.util.Collections.nCopies(n, null)),
        new ArrayList<>(),
        new CompletableFuture<>(),
        new int[2],
        ck);
  }

  /**
   * Once every entry of {@code f} is started: stores its listing on the pool when they are all
   * done, then completes {@code f.result} (whose waiters, the parent's, only queue work of their
   * own).
   */
  private void finish(Folder f) {
    CompletableFuture.allOf(f.kids().toArray(CompletableFuture[]::new))
        .thenApplyAsync(v -> listing(f), files)
        .whenComplete(
            (n, e) -> {
              if (e != null) {
                f.result().completeExceptionally(e);
              } else {
                f.result().complete(n);
              }
            });
  }

  /**
   * The folder's node with its stored listing; null when includes leave nothing in it, or when it
   * is a checkpoint folder that a file changing while read tore.
   */
  private Node listing(Folder f) {
    List<Node> nodes = new ArrayList<>();
    for (CompletableFuture<Node> k : f.kids()) {
      Node n = k.join();
      if (n != null) {
        nodes.add(n);
      }
    }
    if (nodes.isEmpty() && !f.root() && filter.hasIncludes() && !filter.included(f.rel())) {
      return null;
    }
    CheckpointRead ck = f.checkpoint();
    boolean checkpoint = ck != null && ck.rel().equals(f.rel());
    if (checkpoint && !checkpoints.whole(ck)) {
      return null;
    }
    countsOf(ck).dirs.incrementAndGet();
    Node n;
    if (!f.before().isEmpty() && nodes.equals(sortedByName(f.before().values()))) {
      n = f.dir().withSubtree(f.parentNode().subtree()); // unchanged folder: same tree blob
    } else {
      n = f.dir().withSubtree(storeTree(nodes, f.rel()));
    }
    if (checkpoint) {
      checkpoints.keep(ck, counters);
    }
    return n;
  }

  /** Where an entry is counted: apart while in a checkpoint, which may yet be left out. */
  private Counters countsOf(CheckpointRead within) {
    return within == null ? counters : within.counters();
  }

  /** A file the parent snapshot already has: its content is taken from there, not read. */
  private Node unchangedFile(String name, SourceStat st, Node prev, CheckpointRead within) {
    Counters c = countsOf(within);
    c.unchanged.incrementAndGet();
    c.files.incrementAndGet();
    c.bytes.addAndGet(prev.size());
    progress.bytes(prev.size());
    progress.fileDone();
    return node(name, Node.FILE, st, prev.size(), prev.sha256(), prev.chunks(), null);
  }

  private Node file(
      Path p, String rel, String name, SourceStat st, Node prev, CheckpointRead within) {
    FileReader.Content c;
    try {
      c = reader.read(p, st);
    } catch (IOException e) {
      return readFailed(rel, e, within);
    }
    SourceStat after = statAfter(p);
    boolean changed = after == null || !after.sameContentAs(st) || c.size() != st.size();
    if (changed && within != null) {
      // not stored as read: the checkpoint it is in is left out of the snapshot
      within.tear("changed while being read: " + FileName.display(rel));
    } else if (changed) {
      counters.changed.incrementAndGet();
      progress.warn(
          FileName.display(rel)
              + ": changed while it was read; stored the "
              + c.size()
              + " bytes read (sha256 "
              + c.sha256()
              + "); the next backup reads it again");
    }
    countsOf(within).files.incrementAndGet();
    countsOf(within).bytes.addAndGet(c.size());
    progress.fileDone();
    return node(name, Node.FILE, st, c.size(), c.sha256(), c.chunks(), null);
  }

  /**
   * This part's piece of a file cut into byte ranges ({@link SplitPlan}): a file node of the
   * piece's bytes alone, recorded in {@link #pieces} for the part object; the run's commit joins
   * the pieces, or leaves the file out when the parts did not read the same bytes.
   */
  private Node piece(Path p, String rel, String name, SourceStat st, List<Shares.Piece> cut) {
    Shares.Piece mine =
        cut.stream().filter(x -> x.owner() == split.index()).findFirst().orElseThrow();
    FileReader.PieceContent c;
    try {
      c = reader.readPiece(p, st, cut, mine.index());
    } catch (IOException e) {
      return readFailed(rel, e, null);
    }
    SourceStat after = statAfter(p);
    if (after == null || !after.sameContentAs(st)) {
      progress.warn(
          FileName.display(rel)
              + ": changed while piece "
              + mine.index()
              + " of it was read; the run's commit keeps it only if every part read the same bytes");
    }
    counters.files.incrementAndGet();
    counters.bytes.addAndGet(c.length());
    progress.fileDone();
    pieces.add(
        new Part.Piece(
            rel, mine.index(), cut.size(), c.offset(), st.size(), c.fileSha256(), c.pieceSha256()));
    return node(name, Node.FILE, st, c.length(), c.sha256(), c.chunks(), null);
  }

  /**
   * A file that could not be read: gone (counted as vanished) or unreadable (named, and tearing the
   * checkpoint {@code within}, if any); not in the snapshot.
   */
  private Node readFailed(String rel, IOException e, CheckpointRead within) {
    if (e instanceof NoSuchFileException) {
      vanished(rel, "while it was read", within);
      return null;
    }
    tear(within, "could not be read: " + FileName.display(rel));
    counters.unreadable.add(FileName.display(rel) + ": " + e.getMessage());
    progress.warn(
        FileName.display(rel) + ": cannot be read (" + e.getMessage() + "); not in this snapshot");
    return null;
  }

  /** A file's metadata once read, or null when it can no longer be had. */
  private static SourceStat statAfter(Path p) {
    try {
      return SourceStat.of(p);
    } catch (IOException e) {
      return null;
    }
  }

  /** The pieces of files cut into byte ranges that this walk stored. */
  List<Part.Piece> pieces() {
    List<Part.Piece> out = new ArrayList<>(pieces);
    out.sort(Comparator.comparing(Part.Piece::path));
    return out;
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
    Node n =
        new Node(
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
    return FileName.isUtf8(name) ? n : n.withFileName(name); // not UTF-8: stored as bytes
  }

  /**
   * The order of a tree's entries: by name (Java's order of the {@link FileName} strings), so equal
   * folders give equal trees; entries a damaged parent snapshot names badly come first.
   */
  private static final Comparator<Node> BY_NAME =
      Comparator.comparing(Node::fileName, Comparator.nullsFirst(Comparator.naturalOrder()));

  private static List<Node> sortedByName(java.util.Collection<Node> nodes) {
    List<Node> out = new ArrayList<>(nodes);
    out.sort(BY_NAME);
    return out;
  }

  /** Stores the listing of the folder {@code rel} as a tree blob and returns its id. */
  String storeTree(List<Node> nodes, String rel) {
    return storeTree(sink, nodes, rel);
  }

  /**
   * Stores the listing of the folder {@code rel} into {@code sink} as a tree blob, entries sorted
   * by name, and returns its id; a listing larger than the format allows fails, naming the folder.
   */
  static String storeTree(ChunkSink sink, List<Node> nodes, String rel) {
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(BY_NAME);
    try {
      byte[] json = ObjectCodec.JSON.writeValueAsBytes(new Tree(sorted));
      if (json.length > dev.arca.engine.format.Limits.MAX_TREE_BLOB) {
        throw new dev.arca.engine.ArcaException(
            dev.arca.engine.ArcaException.Kind.ERROR,
            (rel.isEmpty() ? "the snapshot's root" : FileName.display(rel))
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

  /** The entries of a parent snapshot's tree by name ({@link FolderReads#children}). */
  Map<String, Node> children(String treeId, String rel) {
    return folders.children(treeId, rel);
  }

  /** An entry gone before or while it was read; it tears the checkpoint it is in. */
  private void vanished(String rel, String when, CheckpointRead within) {
    progress.warn(FileName.display(rel) + ": vanished " + when + "; not in this snapshot");
    tear(within, "vanished while being read: " + FileName.display(rel));
  }

  private static void tear(CheckpointRead within, String reason) {
    if (within != null) {
      within.tear(reason);
    }
  }

  private CompletableFuture<Node> unreadable(String rel, IOException e, CheckpointRead within) {
    tear(within, "could not be read: " + FileName.display(rel));
    counters.unreadable.add(FileName.display(rel) + ": " + e.getMessage());
    progress.warn(FileName.display(rel) + ": cannot be read (" + e + "); not in this snapshot");
    return CompletableFuture.completedFuture(null);
  }
}
