package dev.arca.engine.verify;

import dev.arca.engine.Progress;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.IndexFile;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Packs;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
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
 * object, and every snapshot file it touches is named.
 */
public final class Verify {
  private final Repository repo;
  private final Progress progress;
  private final Map<String, String> damaged = new TreeMap<>();
  private final Set<String> badBlobs = new HashSet<>();
  private final List<VerifyResult.AffectedFile> affected = new ArrayList<>();

  private Verify(Repository repo, Progress progress) {
    this.repo = repo;
    this.progress = progress;
  }

  /** Runs verify, reading {@code readPercent} (0 to 100) of the packs in full. */
  public static VerifyResult run(Repository repo, double readPercent, Progress progress)
      throws IOException {
    return new Verify(repo, progress).run(readPercent);
  }

  private VerifyResult run(double readPercent) throws IOException {
    long t0 = System.nanoTime();
    Storage st = repo.storage();
    BlobIndex index = new BlobIndex();
    for (Storage.ObjectInfo o : st.list(IndexFile.PREFIX)) {
      try {
        IndexFile.decodeInto(repo.codec().open(st.read(o.key()), o.key()), index, o.key());
      } catch (IOException | RuntimeException e) {
        damage(o.key(), e);
      }
    }
    Map<String, Long> packSizes = new HashMap<>();
    for (Storage.ObjectInfo o : st.list(Packs.PREFIX)) {
      packSizes.put(o.key(), o.size());
    }
    Map<String, List<BlobIndex.Location>> byPack = new TreeMap<>();
    for (BlobIndex.Location l : index.all()) {
      byPack.computeIfAbsent(l.packKey(), k -> new ArrayList<>()).add(l);
    }
    for (var e : byPack.entrySet()) {
      Long size = packSizes.get(e.getKey());
      long end =
          e.getValue().stream().mapToLong(l -> (long) l.offset() + l.length()).max().orElse(0);
      if (size == null) {
        damaged.put(e.getKey(), "missing");
        markBad(e.getValue());
      } else if (size < end) {
        damaged.put(e.getKey(), "truncated: " + size + " bytes, index needs " + end);
        markBad(e.getValue());
      }
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
    for (String key : toRead) {
      readPack(key, byPack.get(key));
    }
    long snapshots = 0;
    for (Storage.ObjectInfo o : st.list(Snapshot.PREFIX)) {
      String id = o.key().substring(Snapshot.PREFIX.length());
      Snapshot s;
      try {
        byte[] stored = st.read(o.key());
        if (!Hex.of(ChunkIds.sha256().digest(stored)).equals(id)) {
          throw new IOException("content does not match its name");
        }
        s = repo.codec().openJson(stored, Snapshot.class, o.key());
      } catch (IOException | RuntimeException e) {
        damage(o.key(), e);
        continue;
      }
      snapshots++;
      walk(index, id, s.tree(), "");
    }
    return new VerifyResult(
        damaged.isEmpty(),
        snapshots,
        byPack.size(),
        toRead.size(),
        index.size(),
        damaged.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList(),
        List.copyOf(affected),
        (System.nanoTime() - t0) / 1_000_000);
  }

  private void readPack(String key, List<BlobIndex.Location> blobs) {
    byte[] pack;
    try {
      pack = repo.storage().read(key);
    } catch (IOException e) {
      damaged.put(key, "unreadable: " + e.getMessage());
      markBad(blobs);
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
        badBlobs.add(Hex.of(l.id()));
        badHere++;
      }
    }
    if (badHere > 0) {
      damaged.put(key, badHere + " of " + blobs.size() + " blobs fail their checks");
    }
    progress.bytes(pack.length);
  }

  private void walk(BlobIndex index, String snapshotId, String treeId, String rel) {
    List<Node> nodes;
    try {
      if (badBlobs.contains(treeId)) {
        throw new IOException("tree blob " + treeId + " is damaged");
      }
      nodes = repo.readTree(index, treeId).nodes();
    } catch (IOException | RuntimeException e) {
      damaged.putIfAbsent("tree " + treeId, String.valueOf(e.getMessage()));
      affected.add(new VerifyResult.AffectedFile(snapshotId, rel.isEmpty() ? "/" : rel + "/"));
      return;
    }
    for (Node n : nodes) {
      String path = rel.isEmpty() ? n.name() : rel + "/" + n.name();
      if (n.isDir() && n.subtree() != null) {
        walk(index, snapshotId, n.subtree(), path);
      } else if (n.isFile() && n.chunks() != null) {
        for (String c : n.chunks()) {
          if (badBlobs.contains(c) || !Hex.isId(c) || !index.contains(Hex.parse(c))) {
            if (!badBlobs.contains(c)) {
              damaged.putIfAbsent("chunk " + c, "not in the index (its pack is gone)");
            }
            affected.add(new VerifyResult.AffectedFile(snapshotId, path));
            break;
          }
        }
      }
    }
  }

  private void markBad(List<BlobIndex.Location> blobs) {
    for (BlobIndex.Location l : blobs) {
      badBlobs.add(Hex.of(l.id()));
    }
  }

  private void damage(String key, Exception e) {
    damaged.put(key, String.valueOf(e.getMessage()));
  }
}
