package dev.arca.engine.verify;

import dev.arca.contract.VerifyReport;
import dev.arca.engine.Progress;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.IndexFile;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Packs;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.DamageRecords;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SealedObjects;
import dev.arca.engine.repo.TreeWalk;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a repository. Always: every index and snapshot object opens, every pack the index names
 * exists and is long enough, every tree and chunk a snapshot names is indexed. With a read
 * percentage: that share of packs (all at 100) is read whole, its SHA-256 checked against its name
 * and every blob in it decrypted, decompressed and checked against its id. Damage is reported per
 * object, and every snapshot file it touches is named. A blob with an intact copy is intact; the
 * damaged copies found are recorded in the repository (FORMAT.md "Damage records") so that backups
 * store their content anew, and are reported until prune has removed them.
 */
public final class Verify {
  private final Repository repo;
  private final Progress progress;
  private final Map<String, String> damaged = new TreeMap<>();

  /** Blobs none of whose copies is intact (hex ids). */
  private final Set<String> badBlobs = new HashSet<>();

  /** Copies found damaged by this run ("pack/blob", hex). */
  private final Set<String> bad = new HashSet<>();

  /** What this run found, for the damage record it writes. */
  private final List<DamageRecords.Entry> found = new ArrayList<>();

  private DamageRecords.Known known = DamageRecords.Known.none();
  private final List<VerifyReport.AffectedFile> affected = new ArrayList<>();

  /** Whether each tree judged so far, and everything below it, is intact. */
  private final Map<String, Boolean> intact = new HashMap<>();

  /** The longest path below each tree judged so far (capped just past the limit). */
  private final Map<String, Integer> longest = new HashMap<>();

  /**
   * How many folders a walk of each tree judged so far enters (shared subtrees counted each time
   * they are met), saturating at {@link Long#MAX_VALUE}: a crafted repository can make a few trees
   * expand to billions of folders, which restore refuses, so verify reports it too.
   */
  private final Map<String, Long> expanded = new HashMap<>();

  /** How many affected files are named; more are only counted. */
  static final int MAX_AFFECTED = 10_000;

  private long moreAffected;

  private Verify(Repository repo, Progress progress) {
    this.repo = repo;
    this.progress = progress;
  }

  /** Runs verify, reading {@code readPercent} (0 to 100) of the packs in full. */
  public static VerifyReport run(Repository repo, double readPercent, Progress progress)
      throws IOException {
    return new Verify(repo, progress).run(readPercent);
  }

  private VerifyReport run(double readPercent) throws IOException {
    long t0 = System.nanoTime();
    Storage st = repo.storage();
    known = DamageRecords.list(repo, damaged::put);
    Map<String, List<BlobIndex.Location>> byPack = readIndex(st);
    Map<String, Long> packSizes = new HashMap<>();
    for (Storage.ObjectInfo o : st.list(Packs.PREFIX)) {
      packSizes.put(o.key(), o.size());
    }
    for (var e : byPack.entrySet()) {
      checkSize(e.getKey(), packSizes.get(e.getKey()), e.getValue());
    }
    List<String> toRead = new ArrayList<>(byPack.keySet());
    toRead.removeIf(damaged::containsKey);
    if (readPercent < 100) {
      Collections.shuffle(toRead, new Random());
      toRead = toRead.subList(0, (int) Math.ceil(toRead.size() * Math.max(0, readPercent) / 100));
    }
    if (!toRead.isEmpty()) {
      repo.warmUp();
    }
    Set<String> read = new HashSet<>(toRead);
    for (String key : toRead) {
      readPack(new Storage.ObjectInfo(key, packSizes.getOrDefault(key, -1L)), byPack.get(key));
    }
    BlobIndex index = preferIntact(byPack, read);
    long snapshots = checkSnapshots(st, index);
    int recorded = record();
    return VerifyReport.of(
        damaged.isEmpty(),
        snapshots,
        byPack.size(),
        toRead.size(),
        index.size(),
        damaged.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList(),
        List.copyOf(affected),
        moreAffected,
        recorded,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** Every entry of every readable index object (copies of one blob included), by pack key. */
  private Map<String, List<BlobIndex.Location>> readIndex(Storage st) throws IOException {
    Map<String, List<BlobIndex.Location>> byPack = new TreeMap<>();
    for (Storage.ObjectInfo o : st.list(IndexFile.PREFIX)) {
      BlobIndex one = new BlobIndex();
      try {
        IndexFile.decodeInto(SealedObjects.open(repo, o, SealedObjects.Kind.INDEX), one, o.key());
      } catch (IOException | RuntimeException e) {
        damage(o.key(), e);
        continue;
      }
      for (BlobIndex.Location l : one.all()) {
        byPack.computeIfAbsent(l.packKey(), k -> new ArrayList<>()).add(l);
      }
    }
    return byPack;
  }

  /** A pack the index names must exist, hold every entry and be no larger than a pack may be. */
  private void checkSize(String key, Long size, List<BlobIndex.Location> blobs) {
    long end = blobs.stream().mapToLong(l -> (long) l.offset() + l.length()).max().orElse(0);
    String why = null;
    if (size == null) {
      why = "missing";
    } else if (size < end) {
      why = "truncated: " + size + " bytes, index needs " + end;
    } else if (size > Limits.MAX_PACK) {
      why = size + " bytes, more than a pack can be";
    }
    if (why != null) {
      damaged.put(key, why);
      found.add(DamageRecords.Entry.pack(Packs.idOf(key), why));
      blobs.forEach(l -> bad.add(copy(l)));
    }
  }

  /**
   * An index for reading trees: of each blob's copies, one not found or recorded damaged wins. A
   * blob all of whose copies are damaged is counted in {@link #badBlobs}. A copy that this run read
   * and found intact counts as intact whatever an older record says.
   */
  private BlobIndex preferIntact(Map<String, List<BlobIndex.Location>> byPack, Set<String> read) {
    BlobIndex index = new BlobIndex();
    List<BlobIndex.Location> damagedCopies = new ArrayList<>();
    for (var e : byPack.entrySet()) {
      boolean readNow = read.contains(e.getKey());
      for (BlobIndex.Location l : e.getValue()) {
        boolean isBad = bad.contains(copy(l)) || (!readNow && known.damaged(l));
        if (isBad) {
          damagedCopies.add(l);
          if (!readNow && known.damaged(l)) {
            damaged.putIfAbsent(e.getKey(), "recorded as damaged by an earlier run");
          }
        } else {
          add(index, l);
        }
      }
    }
    for (BlobIndex.Location l : damagedCopies) {
      if (add(index, l)) {
        badBlobs.add(Hex.of(l.id()));
      }
    }
    return index;
  }

  private long checkSnapshots(Storage st, BlobIndex index) throws IOException {
    long snapshots = 0;
    for (Storage.ObjectInfo o : st.list(Snapshot.PREFIX)) {
      String id = o.key().substring(Snapshot.PREFIX.length());
      Snapshot s;
      try {
        byte[] stored = SealedObjects.read(repo, o, SealedObjects.Kind.SNAPSHOT);
        if (!Hex.of(ChunkIds.sha256().digest(stored)).equals(id)) {
          throw new IOException("content does not match its name");
        }
        s = repo.codec().openJson(stored, Snapshot.class, Limits.MAX_SNAPSHOT, o.key());
      } catch (IOException | RuntimeException e) {
        damage(o.key(), e);
        continue;
      }
      snapshots++;
      if (s.tree() == null || !Hex.isId(s.tree())) {
        damaged.put(o.key(), "it names no valid root tree");
        continue;
      }
      if (!intact(index, s.tree())) {
        affected(index, id, s.tree(), TreeWalk.maxFolders(s));
      }
      if (longest.get(s.tree()) > TreeWalk.MAX_PATH) {
        damaged.put(
            o.key(), "it holds paths longer than " + TreeWalk.MAX_PATH + " bytes (crafted?)");
      }
      long most = TreeWalk.maxFolders(s);
      if (expanded.get(s.tree()) > most) {
        damaged.put(
            o.key(),
            "its trees expand to more than the "
                + (most - TreeWalk.FOLDER_MARGIN)
                + " folders it recorded (shared subtrees?), so restore and export refuse it");
      }
    }
    return snapshots;
  }

  /**
   * Records the damaged copies this run found (FORMAT.md "Damage records"), so that backups store
   * their content anew; returns how many were new. A repository this process may not write to is
   * only told about.
   */
  private int record() {
    if (found.isEmpty()) {
      return 0;
    }
    try {
      return DamageRecords.save(repo, known, found, "verify", java.time.Instant.now());
    } catch (IOException | RuntimeException e) {
      damaged.putIfAbsent(
          DamageRecords.PREFIX, "the damage found could not be recorded: " + e.getMessage());
      return 0;
    }
  }

  private static String copy(BlobIndex.Location l) {
    return Hex.of(l.pack()) + "/" + Hex.of(l.id());
  }

  private static boolean add(BlobIndex index, BlobIndex.Location l) {
    return index.add(l.id(), l.pack(), l.offset(), l.length(), l.rawLength(), l.type(), l.codec());
  }

  private void readPack(Storage.ObjectInfo listed, List<BlobIndex.Location> blobs) {
    String key = listed.key();
    byte[] pack;
    try {
      pack = repo.storage().read(listed);
    } catch (IOException e) {
      damaged.put(key, "unreadable: " + e.getMessage());
      blobs.forEach(l -> bad.add(copy(l)));
      return;
    }
    String expected = Packs.idOf(key);
    if (expected != null && !Hex.of(ChunkIds.sha256().digest(pack)).equals(expected)) {
      damaged.put(key, "content does not match its name (changed or corrupted bytes)");
    }
    int badHere = 0;
    for (BlobIndex.Location l : blobs) {
      try {
        repo.decodeBlob(l, pack, l.offset());
      } catch (RuntimeException e) {
        bad.add(copy(l));
        found.add(DamageRecords.Entry.blob(l, String.valueOf(e.getMessage())));
        badHere++;
      }
    }
    if (badHere > 0) {
      damaged.put(key, badHere + " of " + blobs.size() + " blobs fail their checks");
    }
    progress.bytes(pack.length);
  }

  /**
   * Whether the tree {@code root} and everything below it are intact: readable, and every chunk of
   * every file indexed and not known bad. Each distinct tree is read and judged once (memoised in
   * {@link #intact}), without recursion, so work grows with the number of distinct trees, however
   * deep or shared they are.
   */
  private boolean intact(BlobIndex index, String root) {
    Deque<String> stack = new ArrayDeque<>();
    Map<String, List<Node>> listings = new HashMap<>(); // trees on the stack, being judged
    stack.push(root);
    while (!stack.isEmpty()) {
      String id = stack.peek();
      if (intact.containsKey(id)) {
        stack.pop();
        continue;
      }
      List<Node> nodes = listings.get(id);
      if (nodes == null) {
        nodes = read(index, id);
        if (nodes == null) {
          intact.put(id, false);
          longest.put(id, 0);
          expanded.put(id, 0L);
          stack.pop();
          continue;
        }
        listings.put(id, nodes);
        boolean waiting = false;
        for (Node n : nodes) {
          String sub = n.isDir() ? n.subtree() : null;
          if (sub != null && !intact.containsKey(sub)) {
            if (listings.containsKey(sub)) { // a tree that contains itself: only a crafted one
              damaged.putIfAbsent("tree " + sub, "it contains itself");
              intact.put(sub, false);
              longest.put(sub, 0);
              expanded.put(sub, 0L);
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
      boolean ok = true;
      int deepest = 0;
      long folders = 0;
      for (Node n : nodes) {
        boolean sub = n.isDir() && n.subtree() != null;
        ok &= sub ? intact.get(n.subtree()) : chunksOk(index, n);
        int len = nameBytes(n) + (sub ? 1 + longest.get(n.subtree()) : 0);
        deepest = Math.max(deepest, Math.min(len, TreeWalk.MAX_PATH + 1));
        if (sub) {
          folders = saturatedAdd(folders, saturatedAdd(1, expanded.get(n.subtree())));
        }
      }
      intact.put(id, ok);
      longest.put(id, deepest);
      expanded.put(id, folders);
      listings.remove(id);
      stack.pop();
    }
    return intact.get(root);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** The entries of a tree, or null (and the damage recorded) when it cannot be read. */
  private List<Node> read(BlobIndex index, String treeId) {
    try {
      if (badBlobs.contains(treeId)) {
        throw new IOException("tree blob " + treeId + " is damaged");
      }
      return repo.readTree(index, treeId).nodes();
    } catch (IOException | RuntimeException e) {
      damaged.putIfAbsent("tree " + treeId, String.valueOf(e.getMessage()));
      return null;
    }
  }

  /** Whether every chunk of a file entry is indexed and not known bad (others are fine). */
  private boolean chunksOk(BlobIndex index, Node n) {
    if (!n.isFile() || n.chunks() == null) {
      return true;
    }
    for (String c : n.chunks()) {
      if (badBlobs.contains(c) || !Hex.isId(c) || !index.contains(Hex.parse(c))) {
        if (!badBlobs.contains(c)) {
          damaged.putIfAbsent("chunk " + c, "not in the index (its pack is gone)");
        }
        return false;
      }
    }
    return true;
  }

  /**
   * Names the files and folders of a snapshot that damage touches, descending only into trees that
   * are not intact, up to {@link #MAX_AFFECTED} in all (the rest are counted), and into no more
   * than {@code maxFolders} folders (shared subtrees of a crafted snapshot are not expanded on).
   */
  private void affected(BlobIndex index, String snapshotId, String root, long maxFolders) {
    Deque<String[]> todo = new ArrayDeque<>(); // {tree id, path}
    todo.push(new String[] {root, ""});
    long folders = 0;
    while (!todo.isEmpty()) {
      String[] t = todo.pop();
      if (folders++ > maxFolders) {
        affect(snapshotId, "(more, below folders not walked: the snapshot expands too far)");
        return;
      }
      String rel = t[1];
      List<Node> nodes = badBlobs.contains(t[0]) ? null : read(index, t[0]);
      if (nodes == null) {
        affect(snapshotId, rel.isEmpty() ? "/" : rel + "/");
        continue;
      }
      int relBytes = FileName.byteLength(rel);
      for (Node n : nodes) {
        if (relBytes + 1 + nameBytes(n) > TreeWalk.MAX_PATH) {
          damaged.putIfAbsent(
              "tree " + t[0], "it holds paths longer than " + TreeWalk.MAX_PATH + " bytes");
          affect(snapshotId, rel + "/");
          break;
        }
        String path = rel.isEmpty() ? n.fileName() : rel + "/" + n.fileName();
        if (n.isDir() && n.subtree() != null) {
          if (!intact.get(n.subtree())) {
            todo.push(new String[] {n.subtree(), path});
          }
        } else if (!chunksOk(index, n)) {
          affect(snapshotId, path);
        }
      }
    }
  }

  /** The length in bytes of an entry's name (of "null" when it has none: refused anyway). */
  private static int nameBytes(Node n) {
    return FileName.byteLength(String.valueOf(n.fileName()));
  }

  private void affect(String snapshotId, String path) {
    if (affected.size() < MAX_AFFECTED) {
      affected.add(new VerifyReport.AffectedFile(snapshotId, FileName.display(path)));
    } else {
      moreAffected++;
    }
  }

  private void damage(String key, Exception e) {
    damaged.put(key, String.valueOf(e.getMessage()));
  }
}
