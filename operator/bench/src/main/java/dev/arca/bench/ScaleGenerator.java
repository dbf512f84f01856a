package dev.arca.bench;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.Compression;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.format.Packs;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.format.Tree;
import dev.arca.engine.repo.PackOutput;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fills an opened, empty {@code file://} repository as a training run of {@link ScaleLayout} would,
 * without the data: index objects for every chunk (written by {@link Repository#saveIndexes}, as a
 * backup writes them), the data packs as sparse files of the size their index entries add up to
 * (their bytes are zeros that take no disk: prune and backups list packs and read their sizes, they
 * never read a data pack unless repacking or restoring), real tree blobs in real packs, and one
 * snapshot per checkpoint but the oldest {@code forget} ones, so that a prune has garbage to find:
 * the packs of forgotten checkpoints, and checkpoint 0's packs partly used by its frozen pieces.
 */
final class ScaleGenerator {
  /** Files (shards) per folder: keeps each tree blob far below the tree limit. */
  static final int FILES_PER_DIR = 256;

  private final Repository repo;
  private final Path root;
  private final ScaleLayout layout;
  private final int chunksPerFile;
  private final Instant start;

  ScaleGenerator(Repository repo, Path root, ScaleLayout layout, int chunksPerFile) {
    this.repo = repo;
    this.root = root;
    this.layout = layout;
    this.chunksPerFile = chunksPerFile;
    this.start = Instant.now().minus(Duration.ofDays(layout.checkpoints() + 2L));
  }

  /** Writes the data packs (sparse) and their index objects; returns the index objects written. */
  int writeDataIndex() throws IOException {
    List<BlobIndex.Location> batch = new ArrayList<>(Repository.INDEX_SPLIT);
    int objects = 0;
    FileTime old = FileTime.from(start);
    for (long p = 0; p < layout.packs(); p++) {
      byte[] pack = layout.packId(p);
      long first = p * layout.chunksPerPack();
      long end = Math.min(layout.distinct(), first + layout.chunksPerPack());
      int offset = 0;
      for (long n = first; n < end; n++) {
        int len = layout.storedLength(n);
        batch.add(
            new BlobIndex.Location(
                layout.chunkId(n),
                pack,
                offset,
                len,
                ScaleLayout.RAW,
                BlobType.DATA,
                Compression.GROUPED_BF16));
        offset += len;
      }
      sparsePack(pack, offset + headerLength((int) (end - first)), old);
      if (batch.size() >= Repository.INDEX_SPLIT) {
        List<BlobIndex.Location> full = batch.subList(0, Repository.INDEX_SPLIT);
        repo.saveIndex(full);
        objects++;
        full.clear();
      }
    }
    objects += repo.saveIndexes(batch).size();
    return objects;
  }

  /** A pack's sealed header and its 4-byte length, as {@code PackWriter} writes them. */
  private int headerLength(int blobs) {
    return repo.cipher().overhead(4 + 46 * blobs) + 4 + 46 * blobs + 4;
  }

  private void sparsePack(byte[] id, long size, FileTime mtime) throws IOException {
    Path file = root.resolve(Packs.key(id));
    Files.createDirectories(file.getParent());
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
    Files.setLastModifiedTime(file, mtime);
  }

  /**
   * Writes every checkpoint's trees (through the repository's pack writer, then their index) and
   * the snapshots of all but the oldest {@code forget}; returns the snapshot ids.
   */
  List<String> writeSnapshots(int forget) throws IOException {
    PackOutput trees = new PackOutput(repo);
    List<String> roots = new ArrayList<>();
    for (int k = 0; k < layout.checkpoints(); k++) {
      roots.add(checkpointTree(trees, k));
    }
    trees.finish();
    List<String> ids = new ArrayList<>();
    for (int k = forget; k < layout.checkpoints(); k++) {
      ids.add(Snapshots.save(repo, snapshot(k, roots.get(k))));
    }
    return ids;
  }

  private Snapshot snapshot(int k, String root) {
    long files = (layout.perCheckpoint() + chunksPerFile - 1) / chunksPerFile;
    long dirs = (files + FILES_PER_DIR - 1) / FILES_PER_DIR + 1;
    long bytes = layout.perCheckpoint() * ScaleLayout.RAW;
    long fresh = k == 0 ? layout.perCheckpoint() : layout.freshPerCheckpoint();
    return new Snapshot(
        start.plus(Duration.ofDays(k)).toString(),
        "scale-sim",
        List.of("/train/checkpoint-" + k),
        Map.of(),
        null,
        "full",
        root,
        List.of(),
        List.of(),
        new Snapshot.Stats(files, dirs, bytes, fresh * ScaleLayout.RAW, 0, 0, 0, 0),
        "arca-bench ScaleSim");
  }

  /** The root tree of checkpoint {@code k}: {@code checkpoint-k/part-NNNN/model-NNNNN.bin}. */
  private String checkpointTree(PackOutput out, int k) throws IOException {
    List<Node> parts = new ArrayList<>();
    List<Node> files = new ArrayList<>();
    long mtime = start.plus(Duration.ofDays(k)).toEpochMilli() * 1_000_000L;
    long file = 0;
    for (long j = 0; j < layout.perCheckpoint(); j += chunksPerFile, file++) {
      long end = Math.min(layout.perCheckpoint(), j + chunksPerFile);
      List<String> chunks = new ArrayList<>((int) (end - j));
      for (long i = j; i < end; i++) {
        chunks.add(Hex.of(layout.chunkId(layout.chunkOf(k, i))));
      }
      files.add(
          new Node(
              String.format("model-%06d.bin", file),
              "file",
              0644,
              mtime,
              mtime,
              file + 1,
              0,
              0,
              (end - j) * ScaleLayout.RAW,
              Hex.of(layout.chunkId(-1 - file - k * 1_000_000_000L)),
              chunks,
              null,
              null));
      if (files.size() == FILES_PER_DIR) {
        parts.add(dir(String.format("part-%04d", parts.size()), store(out, files), mtime));
        files = new ArrayList<>();
      }
    }
    if (!files.isEmpty()) {
      parts.add(dir(String.format("part-%04d", parts.size()), store(out, files), mtime));
    }
    String checkpoint = store(out, parts);
    return store(out, List.of(dir("checkpoint-" + k, checkpoint, mtime)));
  }

  private static Node dir(String name, String subtree, long mtime) {
    return new Node(name, "dir", 0755, mtime, mtime, 0, 0, 0, 0, null, null, null, subtree);
  }

  /** Stores one folder listing (nodes sorted by name) as a backup does; returns its id. */
  private String store(PackOutput out, List<Node> nodes) throws IOException {
    byte[] json = ObjectCodec.JSON.writeValueAsBytes(new Tree(nodes));
    Limits.check(json.length, Limits.MAX_TREE_BLOB, "a simulated folder listing");
    byte[] id = repo.ids().id(json, 0, json.length);
    out.addTree(id, json);
    return Hex.of(id);
  }
}
