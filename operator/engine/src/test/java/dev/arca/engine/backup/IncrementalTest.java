package dev.arca.engine.backup;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Change detection, parent selection, and what incremental and full runs store. */
class IncrementalTest {
  @TempDir Path tmp;
  Path src;
  Repository repo;

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    repo = Fixtures.repo(tmp.resolve("repo"));
    for (int i = 0; i < 20; i++) {
      write(src.resolve("d" + (i % 3) + "/f" + i), random(10_000 + i * 1000, i));
    }
    write(src.resolve("big.bin"), random(9 << 20, 99));
  }

  @Test
  void unchangedRunReadsNothingAndStoresNoData() throws Exception {
    BackupReport first = Backup.run(repo, BackupOptions.of(src));
    BackupReport second = Backup.run(repo, BackupOptions.of(src));
    assertThat(second.mode()).isEqualTo("incremental");
    assertThat(second.parent()).isEqualTo(first.snapshotId());
    assertThat(second.unchangedFiles()).isEqualTo(21);
    assertThat(second.files()).isEqualTo(21);
    assertThat(second.bytes()).isEqualTo(first.bytes());
    assertThat(second.newBytes()).isZero();
    // Only the index-free commit: the snapshot object itself, no pack.
    assertThat(second.storedBytes()).isZero();
  }

  @Test
  void changedFilesAreReadAgainAndOnlyNewChunksStored() throws Exception {
    Backup.run(repo, BackupOptions.of(src));
    write(src.resolve("d0/f0"), random(10_000, 1234));
    try (FileChannel ch = FileChannel.open(src.resolve("big.bin"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(random(100, 7)), 5 << 20); // same size, new bytes in the middle
    }
    BackupReport r = Backup.run(repo, BackupOptions.of(src));
    assertThat(r.unchangedFiles()).isEqualTo(19);
    // The rewritten small file plus the one or two content-defined chunks around the change.
    assertThat(r.newBytes()).isGreaterThan(10_000).isLessThan(10_000 + (9L << 20) / 2);
    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of("latest", target));
    Fixtures.assertSameTree(src, target.resolve("src"));
  }

  @Test
  void fullRunReadsEverythingButStoresNothingNew() throws Exception {
    Backup.run(repo, BackupOptions.of(src));
    BackupReport full = Backup.run(repo, BackupOptions.of(src).withFull(true));
    assertThat(full.mode()).isEqualTo("full");
    assertThat(full.unchangedFiles()).isZero();
    assertThat(full.newBytes()).isZero();
  }

  @Test
  void changeOfContentWithRestoredMtimeIsStillSeenThroughCtime() throws Exception {
    Backup.run(repo, BackupOptions.of(src));
    Path f = src.resolve("d1/f1");
    var mtime = Files.getLastModifiedTime(f);
    write(f, random(11_000, 555)); // same size as before
    Files.setLastModifiedTime(f, mtime);
    BackupReport r = Backup.run(repo, BackupOptions.of(src));
    assertThat(r.unchangedFiles()).isEqualTo(20);
    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(Fixtures.sha256(target.resolve("src/d1/f1"))).isEqualTo(Fixtures.sha256(f));
  }

  @Test
  void parentMustShareHostPathsAndTags() throws Exception {
    BackupReport a = Backup.run(repo, BackupOptions.of(src).withTags(Map.of("team", "a")));
    BackupReport b = Backup.run(repo, BackupOptions.of(src).withTags(Map.of("team", "b")));
    assertThat(b.parent()).isNull();
    assertThat(b.mode()).isEqualTo("full");
    BackupReport c = Backup.run(repo, BackupOptions.of(src).withHost("other-host"));
    assertThat(c.parent()).isNull();
    BackupReport d = Backup.run(repo, BackupOptions.of(src).withTags(Map.of("team", "a")));
    assertThat(d.parent()).isEqualTo(a.snapshotId());
    assertThat(d.unchangedFiles()).isEqualTo(21);
  }

  @Test
  void oneRewrittenTensorCostsAboutTheTensor() throws Exception {
    int[] sizes = {4 << 20, 8 << 20, 3 << 20, 2000, 3000, 6 << 20};
    Path st =
        Fixtures.safetensors(
            src.resolve("model.safetensors"), sizes, new long[] {1, 2, 3, 4, 5, 6});
    Backup.run(repo, BackupOptions.of(src));
    Fixtures.safetensors(st, sizes, new long[] {1, 2, 33, 4, 5, 6}); // tensor 2 (6 MiB) rewritten
    BackupReport r = Backup.run(repo, BackupOptions.of(src));
    long tensorBytes = 2L * (3 << 20);
    assertThat(r.unchangedFiles()).isEqualTo(21);
    assertThat(r.newBytes())
        .isGreaterThanOrEqualTo(tensorBytes)
        .isLessThan((long) (tensorBytes * 1.1));
  }

  @Test
  void changesToTheHeaderDoNotShiftTensorChunks() throws Exception {
    int[] sizes = {4 << 20, 4 << 20};
    Path st = Fixtures.safetensors(src.resolve("model.safetensors"), sizes, new long[] {1, 2});
    Backup.run(repo, BackupOptions.of(src));
    // Same tensors, a longer header (an added metadata entry moves every tensor's file offset).
    byte[] old = Files.readAllBytes(st);
    long hlen = ByteBuffer.wrap(old, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(old, 8, (int) hlen, java.nio.charset.StandardCharsets.UTF_8);
    byte[] nh =
        header
            .replace("\"format\":\"pt\"", "\"format\":\"pt\",\"note\":\"fine-tuned on more data\"")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + nh.length + old.length - 8 - (int) hlen);
    b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(nh.length).put(nh);
    b.put(old, 8 + (int) hlen, old.length - 8 - (int) hlen);
    write(st, b.array());
    BackupReport r = Backup.run(repo, BackupOptions.of(src));
    assertThat(r.newBytes()).isLessThan(64 << 10);
  }

  @Test
  void manyFoldersReadAheadGiveTheSameTreesAsTheSourceAndKeepUnchangedOnes() throws Exception {
    // more sub-folders per folder than are read ahead, three levels deep
    Path wide = src.resolve("wide");
    for (int a = 0; a < 2 * FolderReads.AHEAD + 3; a++) {
      for (int b = 0; b < 5; b++) {
        write(wide.resolve("a" + a + "/b" + b + "/c/f.txt"), "a" + a + "b" + b);
      }
    }
    BackupReport first = Backup.run(repo, BackupOptions.of(src));
    write(wide.resolve("a7/b3/c/f.txt"), "changed, and longer than before"); // deep change
    Fixtures.delete(wide.resolve("a20"));
    Files.delete(wide.resolve("a20")); // a folder gone
    Files.delete(wide.resolve("a21/b0/c/f.txt"));
    Files.delete(wide.resolve("a21/b0/c"));
    write(wide.resolve("a21/b0/c"), "a folder that became a file");
    write(wide.resolve("a35/new/f.txt"), "a new folder");
    BackupReport second = Backup.run(repo, BackupOptions.of(src));

    int files = 21 + (2 * FolderReads.AHEAD + 3) * 5;
    assertThat(first.files()).isEqualTo(files);
    assertThat(second.files()).isEqualTo(files - 5 + 1 + 1 - 1);
    assertThat(second.unchangedFiles()).isEqualTo(files - 5 - 1 - 1);
    Map<String, String> before = subtrees(first.snapshotId());
    Map<String, String> after = subtrees(second.snapshotId());
    assertThat(after.get("a0")).isEqualTo(before.get("a0")); // untouched: the same tree blob
    assertThat(after.get("a8")).isEqualTo(before.get("a8"));
    assertThat(after.get("a7")).isNotEqualTo(before.get("a7"));
    assertThat(after).doesNotContainKey("a20");
    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of("latest", target));
    Fixtures.assertSameTree(src, target.resolve("src"));
  }

  /** The tree ids of {@code src/wide}'s folders in a snapshot, by name. */
  private Map<String, String> subtrees(String snapshotId) throws Exception {
    var index = repo.loadIndex();
    var root = dev.arca.engine.repo.Snapshots.resolve(repo, snapshotId, null, w -> {});
    var srcNode = repo.readTree(index, root.snapshot().tree()).nodes().get(0);
    var wideNode =
        repo.readTree(index, srcNode.subtree()).nodes().stream()
            .filter(n -> n.name().equals("wide"))
            .findFirst()
            .orElseThrow();
    Map<String, String> out = new java.util.HashMap<>();
    for (var n : repo.readTree(index, wideNode.subtree()).nodes()) {
      out.put(n.name(), n.subtree());
    }
    return out;
  }
}
