package dev.arca.engine.copy;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.contract.CopyReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SnapshotFilter;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.FileStorage;
import dev.arca.engine.storage.ForwardingStorage;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca copy} between two encrypted repositories with different keys: byte-identical restores
 * from the target, the target's own chunking (a backup of the same files into the target stores
 * nothing new), copies found again, incremental copies, the source's damage named, and a copy cut
 * off midway resumed without sending again what had arrived.
 */
class CopyTest {
  static final char[] OTHER = "another password".toCharArray();

  @TempDir Path tmp;
  Path src;
  Repository source;
  Repository target;
  final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("model");
    source = Fixtures.repo(tmp.resolve("source"));
    target = targetRepo(new FileStorage(tmp.resolve("target")));
    Fixtures.safetensors(
        src.resolve("weights/model.safetensors"),
        new int[] {3 << 20, 1000, 2 << 20},
        new long[] {1, 2, 3});
    write(src.resolve("weights/optimizer.bin"), random(6 << 20, 4)); // content-defined chunks
    for (int i = 0; i < 30; i++) {
      write(src.resolve("data/shard-" + (i % 4) + "/f" + i + ".txt"), "row " + i + "\n");
    }
    write(src.resolve("data/empty"), new byte[0]);
    Files.createSymbolicLink(src.resolve("data/latest"), Path.of("shard-0"));
    write(src.resolve(new String(new byte[] {'l', 'a', 't', (byte) 0xE9, '1'}, "ISO-8859-1")), "x");
  }

  private static Repository targetRepo(Storage s) {
    return Repository.init(s, OTHER, Repository.InitOptions.defaults().withScryptN(1024));
  }

  private CopyOptions opts() {
    return CopyOptions.all(SnapshotFilter.ANY, Fixtures.warningsTo(warnings));
  }

  private Path restore(Repository repo, String id, String into) throws IOException {
    Path out = tmp.resolve(into);
    Restore.run(repo, RestoreOptions.of(id, out));
    return out.resolve("model");
  }

  @Test
  void copiesRestoreByteIdenticalAndKeepWhatTheSnapshotSays() throws Exception {
    BackupReport b =
        Backup.run(source, BackupOptions.of(src).withHost("ns/policy").withTags(Map.of("k", "v")));
    CopyReport r = Copy.run(source, target, opts());
    assertThat(r.ok()).isTrue();
    assertThat(r.snapshots()).hasSize(1);
    CopyReport.Copied c = r.snapshots().get(0);
    assertThat(c.outcome()).isEqualTo(CopyReport.COPIED);
    assertThat(c.filesRead()).isEqualTo(b.files());
    Fixtures.assertSameTree(src, restore(target, c.targetId(), "restored"));

    Snapshot from = Snapshots.resolve(source, b.snapshotId(), null, w -> {}).snapshot();
    Snapshot copy = Snapshots.resolve(target, c.targetId(), null, w -> {}).snapshot();
    assertThat(copy.time()).isEqualTo(from.time());
    assertThat(copy.host()).isEqualTo("ns/policy");
    assertThat(copy.paths()).isEqualTo(from.paths());
    assertThat(copy.tags()).isEqualTo(Map.of("k", "v"));
    assertThat(copy.stats().files()).isEqualTo(from.stats().files());
    assertThat(copy.copiedFrom())
        .isEqualTo(new Snapshot.CopiedFrom(source.config().id(), b.snapshotId()));
    // re-encrypted: the source's password does not open the target
    assertThatThrownBy(
            () -> Repository.open(new FileStorage(tmp.resolve("target")), Fixtures.PASSWORD))
        .isInstanceOf(ArcaException.class);
  }

  @Test
  void theTargetsOwnChunkerCutsTheCopySoItsBackupsDeduplicateAgainstIt() throws Exception {
    Backup.run(source, BackupOptions.of(src));
    Copy.run(source, target, opts());
    BackupReport native_ = Backup.run(target, BackupOptions.of(src).withHost("elsewhere"));
    assertThat(native_.files()).isGreaterThan(30);
    assertThat(native_.newBytes()).isZero();
  }

  @Test
  void aSecondRunFindsTheCopiesAndWritesNothing() throws Exception {
    Backup.run(source, BackupOptions.of(src));
    CopyReport first = Copy.run(source, target, opts());
    List<String> before = keys(tmp.resolve("target"));
    CopyReport again = Copy.run(source, target, opts());
    assertThat(again.snapshots())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.outcome()).isEqualTo(CopyReport.PRESENT);
              assertThat(c.targetId()).isEqualTo(first.snapshots().get(0).targetId());
            });
    assertThat(keys(tmp.resolve("target"))).isEqualTo(before);
  }

  @Test
  void anIncrementalCopyReadsOnlyTheFilesThatChanged() throws Exception {
    Backup.run(source, BackupOptions.of(src));
    Copy.run(source, target, opts());
    write(src.resolve("data/shard-1/f1.txt"), "row 1, changed\n");
    write(src.resolve("weights/new.bin"), random(1 << 20, 9));
    BackupReport second = Backup.run(source, BackupOptions.of(src));
    CopyReport r = Copy.run(source, target, opts());
    assertThat(r.snapshots())
        .extracting(CopyReport.Copied::outcome)
        .containsExactly(CopyReport.PRESENT, CopyReport.COPIED);
    CopyReport.Copied c = r.snapshots().get(1);
    assertThat(c.sourceId()).isEqualTo(second.snapshotId());
    assertThat(c.filesRead()).isEqualTo(2);
    assertThat(c.newBytes()).isLessThan(2L << 20);
    Snapshot copy = Snapshots.resolve(target, c.targetId(), null, w -> {}).snapshot();
    assertThat(copy.parent()).isEqualTo(r.snapshots().get(0).targetId());
    Fixtures.assertSameTree(src, restore(target, c.targetId(), "restored"));
  }

  @Test
  void damageInTheSourceFailsThatSnapshotByPathAndWritesNoSnapshot() throws Exception {
    BackupReport b = Backup.run(source, BackupOptions.of(src));
    var chunk = Fixtures.firstChunk(source, b.snapshotId(), "model/weights/optimizer.bin");
    Fixtures.flipByte(tmp.resolve("source").resolve(chunk.packKey()), chunk.offset() + 40);
    CopyReport r = Copy.run(source, target, opts());
    assertThat(r.ok()).isFalse();
    CopyReport.Copied c = r.snapshots().get(0);
    assertThat(c.outcome()).isEqualTo(CopyReport.FAILED);
    assertThat(c.targetId()).isNull();
    assertThat(c.damaged()).anyMatch(d -> d.startsWith("model/weights/optimizer.bin: "));
    assertThat(Snapshots.list(target).readable()).isEmpty();
  }

  @Test
  void aCopyCutOffMidwayResumesWithoutSendingAgainWhatArrived() throws Exception {
    write(src.resolve("weights/more.bin"), random(12 << 20, 11));
    Backup.run(source, BackupOptions.of(src));
    Path dir = tmp.resolve("small-packs");
    Repository.init(
        new FileStorage(dir),
        OTHER,
        Repository.InitOptions.defaults().withScryptN(1024).withPackSize(1 << 20));
    // the whole copy, once, to know how many packs it takes
    Path whole = tmp.resolve("whole");
    Repository.init(
        new FileStorage(whole),
        OTHER,
        Repository.InitOptions.defaults().withScryptN(1024).withPackSize(1 << 20));
    Copy.run(source, Repository.open(new FileStorage(whole), OTHER), opts());
    long allPacks = keys(whole).stream().filter(k -> k.startsWith("data/")).count();
    assertThat(allPacks).isGreaterThan(10);

    CutOff cut = new CutOff(new FileStorage(dir), (int) (allPacks / 2));
    assertThatThrownBy(() -> Copy.run(source, Repository.open(cut, OTHER), opts()))
        .hasStackTraceContaining("cut off");
    long landed = keys(dir).stream().filter(k -> k.startsWith("data/")).count();
    assertThat(landed).isEqualTo(allPacks / 2);
    assertThat(Snapshots.list(Repository.open(new FileStorage(dir), OTHER)).readable()).isEmpty();

    Repository opened = Repository.open(new FileStorage(dir), OTHER);
    java.util.Set<String> arrived = blobsIn(opened, keys(dir));
    Counting again = new Counting(new FileStorage(dir));
    CopyReport r = Copy.run(source, Repository.open(again, OTHER), opts());
    assertThat(r.ok()).isTrue();
    // nothing that had arrived is sent again: the packs of the rerun hold none of its blobs
    assertThat(again.packs).isNotEmpty();
    assertThat(blobsIn(opened, again.packs)).doesNotContainAnyElementsOf(arrived);
    Repository done = Repository.open(new FileStorage(dir), OTHER);
    Fixtures.assertSameTree(src, restore(done, "latest", "restored"));
    // the per-pack index objects were replaced by the run's own
    assertThat(keys(dir).stream().filter(k -> k.startsWith("index/")).count())
        .isLessThanOrEqualTo(allPacks / 2 + 2);
  }

  /**
   * A crafted snapshot: a folder whose subtree is no id, a file whose chunks hold fewer bytes than
   * its size, a file whose SHA-256 lies, an entry named "..", a name twice. Each is named, the
   * snapshot is not copied, and the honest snapshot beside it is.
   */
  @Test
  void aCraftedSnapshotIsRefusedEntryByEntryAndTheOthersAreCopied() throws Exception {
    BackupReport honest = Backup.run(source, BackupOptions.of(src));
    dev.arca.engine.backup.Crafted c = new dev.arca.engine.backup.Crafted(source);
    var good = c.file("good.txt", "fine\n".getBytes());
    var shortFile = c.file("short.bin", "12345".getBytes());
    var liar = c.file("liar.txt", "one thing".getBytes());
    var noId =
        new dev.arca.engine.format.Node(
            "no-id", "dir", 0755, 0, 0, 0, 0, 0, 0, null, null, null, "not-a-tree-id");
    String crafted =
        c.commit(
            List.of(
                good,
                shortFile.withContent(10, shortFile.sha256(), shortFile.chunks()),
                liar.withContent(liar.size(), "ab".repeat(32), liar.chunks()),
                noId,
                dev.arca.engine.backup.Crafted.named(good, "..", null),
                c.file("twice", "a".getBytes()),
                c.file("twice", "b".getBytes())));
    CopyReport r = Copy.run(source, target, opts());
    assertThat(r.ok()).isFalse();
    CopyReport.Copied bad =
        r.snapshots().stream().filter(x -> x.sourceId().equals(crafted)).findFirst().orElseThrow();
    assertThat(bad.outcome()).isEqualTo(CopyReport.FAILED);
    assertThat(bad.damaged())
        .anyMatch(d -> d.startsWith("short.bin: its chunks hold 5 bytes, its entry says 10"))
        .anyMatch(d -> d.startsWith("liar.txt: its bytes do not match the SHA-256"))
        .anyMatch(d -> d.startsWith("no-id: its folder listing cannot be read"))
        .anyMatch(d -> d.startsWith("(root): refusing an entry"))
        .anyMatch(d -> d.contains("'twice' appears twice"));
    assertThat(r.snapshots())
        .filteredOn(x -> x.sourceId().equals(honest.snapshotId()))
        .singleElement()
        .satisfies(x -> assertThat(x.outcome()).isEqualTo(CopyReport.COPIED));
    assertThat(Snapshots.list(target).readable())
        .extracting(x -> x.snapshot().copiedFrom().snapshot())
        .containsExactly(honest.snapshotId());
  }

  @Test
  void copyingIntoTheSameRepositoryIsRefused() throws Exception {
    Backup.run(source, BackupOptions.of(src));
    Repository same = Repository.open(new FileStorage(tmp.resolve("source")), Fixtures.PASSWORD);
    assertThatThrownBy(() -> Copy.run(source, same, opts()))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("same repository");
  }

  @Test
  void aSnapshotWhoseCopiedFromIsMalformedIsRefusedAsDamaged() throws Exception {
    BackupReport b = Backup.run(source, BackupOptions.of(src));
    Snapshot s = Snapshots.resolve(source, b.snapshotId(), null, w -> {}).snapshot();
    String crafted =
        Snapshots.save(
            source, s.asCopy(null, s.tree(), s.stats(), "x", new Snapshot.CopiedFrom("../x", "y")));
    Snapshots.Listing l = Snapshots.list(source);
    assertThat(l.unreadable()).containsKey(crafted);
    assertThat(l.unreadable().get(crafted)).contains("copiedFrom");
    assertThat(l.readable()).extracting(Snapshots.Ref::id).containsExactly(b.snapshotId());
  }

  private static List<String> keys(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    for (Storage.ObjectInfo o : new FileStorage(root).list("")) {
      out.add(o.key());
    }
    out.sort(null);
    return out;
  }

  /** A store that refuses every pack after the first {@code packs}: a copy cut off midway. */
  static final class CutOff extends ForwardingStorage {
    private final AtomicInteger left;

    CutOff(Storage inner, int packs) {
      super(inner);
      this.left = new AtomicInteger(packs);
    }

    @Override
    public void create(String key, byte[] data, int offset, int length) throws IOException {
      if (key.startsWith("data/") && left.getAndDecrement() <= 0) {
        throw new IOException("cut off");
      }
      inner.create(key, data, offset, length);
    }
  }

  /** The ids (hex) of the data blobs in the packs among {@code keys}, from their headers. */
  private static java.util.Set<String> blobsIn(Repository repo, List<String> keys)
      throws IOException {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (String k : keys) {
      if (k.startsWith("data/")) {
        byte[] pack = repo.storage().read(k);
        for (var e : dev.arca.engine.format.Packs.readHeader(pack, repo.cipher(), k)) {
          if (e.type() == dev.arca.engine.format.BlobType.DATA) {
            out.add(dev.arca.engine.format.Hex.of(e.id()));
          }
        }
      }
    }
    return out;
  }

  /** A store that records the packs written into it. */
  static final class Counting extends ForwardingStorage {
    final List<String> packs = java.util.Collections.synchronizedList(new ArrayList<>());

    Counting(Storage inner) {
      super(inner);
    }

    @Override
    public void create(String key, byte[] data, int offset, int length) throws IOException {
      if (key.startsWith("data/")) {
        packs.add(key);
      }
      inner.create(key, data, offset, length);
    }
  }

  static Progress quiet() {
    return new Progress() {};
  }
}
