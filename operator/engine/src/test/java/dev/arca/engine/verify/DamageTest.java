package dev.arca.engine.verify;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.backup.BackupResult;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.restore.RestoreResult;
import dev.arca.engine.storage.FileStorage;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage is found, named object by object and file by file, and never restored silently. */
class DamageTest {
  @TempDir Path tmp;
  Path src;
  Path repoDir;
  Repository repo;
  BackupResult backup;

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    repoDir = tmp.resolve("repo");
    repo = Fixtures.repo(repoDir);
    write(src.resolve("victim.bin"), random(200_000, 1));
    write(src.resolve("sub/bystander.bin"), random(300_000, 2));
    backup = Backup.run(repo, BackupOptions.of(src));
  }

  private BlobIndex.Location chunkOf(String name) throws Exception {
    BlobIndex index = repo.loadIndex();
    var root =
        repo.readTree(
            index, Snapshots.resolve(repo, backup.snapshotId(), null, w -> {}).snapshot().tree());
    Node dir = root.nodes().get(0);
    Node file =
        repo.readTree(index, dir.subtree()).nodes().stream()
            .filter(n -> n.name().equals(name))
            .findFirst()
            .orElseThrow();
    return index.get(Hex.parse(file.chunks().get(0)));
  }

  private void flipByte(String key, long offset) throws Exception {
    try (FileChannel ch =
        FileChannel.open(repoDir.resolve(key), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
      ch.write(b, offset);
    }
  }

  @Test
  void healthyRepositoryVerifiesClean() throws Exception {
    VerifyResult r = Verify.run(repo, 100, Progress.NONE);
    assertThat(r.ok()).isTrue();
    assertThat(r.damagedObjects()).isEmpty();
    assertThat(r.snapshots()).isEqualTo(1);
    assertThat(r.packsRead()).isEqualTo(r.packs()).isPositive();
  }

  @Test
  void flippedByteIsNamedWithTheFileItBreaksAndRestoreFailsOnlyThatFile() throws Exception {
    BlobIndex.Location loc = chunkOf("victim.bin");
    flipByte(loc.packKey(), loc.offset() + 100);

    VerifyResult r = Verify.run(repo, 100, Progress.NONE);
    assertThat(r.ok()).isFalse();
    assertThat(r.damagedObjects()).anyMatch(d -> d.startsWith(loc.packKey()));
    assertThat(r.affectedFiles())
        .containsExactly(new VerifyResult.AffectedFile(backup.snapshotId(), "src/victim.bin"));

    Path target = tmp.resolve("target");
    RestoreResult rr = Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(rr.damaged()).isTrue();
    assertThat(rr.failures()).hasSize(1).allMatch(f -> f.startsWith("src/victim.bin"));
    assertThat(target.resolve("src/victim.bin")).doesNotExist();
    assertThat(Fixtures.sha256(target.resolve("src/sub/bystander.bin")))
        .isEqualTo(Fixtures.sha256(src.resolve("sub/bystander.bin")));
    try (var left = Files.list(target.resolve("src"))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("sub");
    }
  }

  @Test
  void missingPackIsFoundWithoutReadingData() throws Exception {
    BlobIndex.Location loc = chunkOf("victim.bin");
    Files.delete(repoDir.resolve(loc.packKey()));
    VerifyResult r = Verify.run(repo, 0, Progress.NONE);
    assertThat(r.ok()).isFalse();
    assertThat(r.damagedObjects()).contains(loc.packKey() + ": missing");
    assertThat(r.affectedFiles())
        .extracting(VerifyResult.AffectedFile::path)
        .contains("src/victim.bin");
  }

  @Test
  void truncatedPackAndDamagedSnapshotAreNamed() throws Exception {
    BlobIndex.Location loc = chunkOf("victim.bin");
    try (FileChannel ch =
        FileChannel.open(repoDir.resolve(loc.packKey()), StandardOpenOption.WRITE)) {
      ch.truncate(loc.offset() + 10);
    }
    String snapKey = "snapshots/" + backup.snapshotId();
    flipByte(snapKey, 20);
    VerifyResult r = Verify.run(repo, 0, Progress.NONE);
    assertThat(r.damagedObjects())
        .anyMatch(d -> d.startsWith(loc.packKey() + ": truncated"))
        .anyMatch(d -> d.startsWith(snapKey));
  }

  @Test
  void wrongPasswordAndMissingRepositoryAreToldApart() throws Exception {
    assertThatThrownBy(() -> Repository.open(new FileStorage(repoDir), "nope".toCharArray()))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("wrong password")
        .hasMessageNotContaining("nope")
        .extracting(e -> ((ArcaException) e).kind())
        .isEqualTo(ArcaException.Kind.WRONG_KEY);
    assertThatThrownBy(
            () -> Repository.open(new FileStorage(tmp.resolve("none")), Fixtures.PASSWORD))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("arca init")
        .extracting(e -> ((ArcaException) e).kind())
        .isEqualTo(ArcaException.Kind.NO_REPOSITORY);
    assertThatThrownBy(() -> Fixtures.repo(repoDir))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void incrementalBackupRereadsFilesWhoseDataWentMissing() throws Exception {
    BlobIndex.Location loc = chunkOf("victim.bin");
    Files.delete(repoDir.resolve(loc.packKey()));
    for (var idx : new FileStorage(repoDir).list("index/")) {
      Files.delete(repoDir.resolve(idx.key()));
    }
    BackupResult again = Backup.run(repo, BackupOptions.of(src));
    assertThat(again.unchangedFiles()).isZero();
    Path target = tmp.resolve("target");
    RestoreResult rr = Restore.run(repo, RestoreOptions.of(again.snapshotId(), target));
    assertThat(rr.failures()).isEmpty();
    assertThat(Verify.run(repo, 100, Progress.NONE).affectedFiles())
        .allMatch(f -> f.snapshotId().equals(backup.snapshotId()));
    assertThat(List.of(again.snapshotId())).doesNotContain(backup.snapshotId());
  }
}
