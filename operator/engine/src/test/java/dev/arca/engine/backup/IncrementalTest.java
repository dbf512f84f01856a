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
}
