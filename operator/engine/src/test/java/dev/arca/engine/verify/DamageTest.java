package dev.arca.engine.verify;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.contract.PruneReport;
import dev.arca.contract.RestoreReport;
import dev.arca.contract.VerifyReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.forget.Forget;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.prune.Prune;
import dev.arca.engine.prune.PruneOptions;
import dev.arca.engine.repo.DamageRecords;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.FileStorage;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
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
  BackupReport backup;

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
    return Fixtures.firstChunk(repo, backup.snapshotId(), "src/" + name);
  }

  private void flipByte(String key, long offset) throws Exception {
    Fixtures.flipByte(repoDir.resolve(key), offset);
  }

  @Test
  void healthyRepositoryVerifiesClean() throws Exception {
    VerifyReport r = Verify.run(repo, 100, Progress.NONE);
    assertThat(r.ok()).isTrue();
    assertThat(r.damagedObjects()).isEmpty();
    assertThat(r.snapshots()).isEqualTo(1);
    assertThat(r.packsRead()).isEqualTo(r.packs()).isPositive();
  }

  @Test
  void flippedByteIsNamedWithTheFileItBreaksAndRestoreFailsOnlyThatFile() throws Exception {
    BlobIndex.Location loc = chunkOf("victim.bin");
    flipByte(loc.packKey(), loc.offset() + 100);

    VerifyReport r = Verify.run(repo, 100, Progress.NONE);
    assertThat(r.ok()).isFalse();
    assertThat(r.damagedObjects()).anyMatch(d -> d.startsWith(loc.packKey()));
    assertThat(r.affectedFiles())
        .containsExactly(new VerifyReport.AffectedFile(backup.snapshotId(), "src/victim.bin"));

    Path target = tmp.resolve("target");
    RestoreReport rr = Restore.run(repo, RestoreOptions.of("latest", target));
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
    VerifyReport r = Verify.run(repo, 0, Progress.NONE);
    assertThat(r.ok()).isFalse();
    assertThat(r.damagedObjects()).contains(loc.packKey() + ": missing");
    assertThat(r.affectedFiles())
        .extracting(VerifyReport.AffectedFile::path)
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
    VerifyReport r = Verify.run(repo, 0, Progress.NONE);
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
    BackupReport again = Backup.run(repo, BackupOptions.of(src));
    assertThat(again.unchangedFiles()).isZero();
    Path target = tmp.resolve("target");
    RestoreReport rr = Restore.run(repo, RestoreOptions.of(again.snapshotId(), target));
    assertThat(rr.failures()).isEmpty();
    assertThat(Verify.run(repo, 100, Progress.NONE).affectedFiles())
        .allMatch(f -> f.snapshotId().equals(backup.snapshotId()));
    assertThat(List.of(again.snapshotId())).doesNotContain(backup.snapshotId());
  }

  // Damage found once is never built upon again: backups store the content anew from the source
  // (which heals the older snapshots too, since they name blobs by content), and prune neither
  // copies damaged bytes into new packs nor keeps them once a good copy exists.

  @Test
  void aBackupAfterVerifyFoundAFlippedByteStoresTheContentAgainAndHealsTheOldSnapshot()
      throws Exception {
    BlobIndex.Location loc = Fixtures.firstChunk(repo, backup.snapshotId(), "src/victim.bin");
    Fixtures.flipByte(repoDir.resolve(loc.packKey()), loc.offset() + 100);

    VerifyReport found = Verify.run(repo, 100, Progress.NONE);
    assertThat(found.ok()).isFalse();
    assertThat(found.recordedDamage()).isEqualTo(1);

    BackupReport again = Backup.run(repo, BackupOptions.of(src));
    assertThat(again.newBytes()).isEqualTo(200_000); // the victim, read and stored anew
    assertThat(restore(again.snapshotId()).failures()).isEmpty();
    assertThat(Fixtures.sha256(tmp.resolve(again.snapshotId() + "/src/victim.bin")))
        .isEqualTo(Fixtures.sha256(src.resolve("victim.bin")));
    // the first snapshot names the same content: it restores from the new copy
    assertThat(restore(backup.snapshotId()).failures()).isEmpty();

    VerifyReport after = Verify.run(repo, 100, Progress.NONE);
    assertThat(after.affectedFiles()).isEmpty();
    assertThat(after.damagedObjects()).allMatch(d -> d.startsWith(loc.packKey()));

    PruneReport pruned = Prune.run(repo, PruneOptions.defaults().withGrace(Duration.ZERO));
    assertThat(pruned.damageRecordsRemoved()).isEqualTo(1);
    VerifyReport clean = Verify.run(repo, 100, Progress.NONE);
    assertThat(clean.damagedObjects()).isEmpty();
    assertThat(clean.ok()).isTrue();
    assertThat(repo.storage().list(DamageRecords.PREFIX)).isEmpty();
  }

  @Test
  void aRestoreThatMeetsADamagedBlobRecordsItSoTheNextBackupStoresTheContentAgain()
      throws Exception {
    BlobIndex.Location loc = Fixtures.firstChunk(repo, backup.snapshotId(), "src/victim.bin");
    Fixtures.flipByte(repoDir.resolve(loc.packKey()), loc.offset() + 100);
    List<String> warnings = new ArrayList<>();
    Progress listening = Fixtures.warningsTo(warnings);

    RestoreReport failed =
        Restore.run(
            repo, RestoreOptions.of("latest", tmp.resolve("first")).withProgress(listening));
    assertThat(failed.damaged()).isTrue();
    assertThat(failed.failures()).singleElement().asString().startsWith("src/victim.bin");
    assertThat(warnings).anyMatch(w -> w.contains("recorded 1 damaged blob copy"));
    assertThat(DamageRecords.list(repo, m -> {}).damaged(loc)).isTrue();

    // no verify in between: the backup learns of the damage from the restore's record
    BackupReport again = Backup.run(repo, BackupOptions.of(src));
    assertThat(again.newBytes()).isEqualTo(200_000);
    assertThat(restore(again.snapshotId()).failures()).isEmpty();
    assertThat(Fixtures.sha256(tmp.resolve(again.snapshotId() + "/src/victim.bin")))
        .isEqualTo(Fixtures.sha256(src.resolve("victim.bin")));
  }

  @Test
  void aFullBackupDoesNotTrustACopyWhosePackIsGone() throws Exception {
    BlobIndex.Location loc = Fixtures.firstChunk(repo, backup.snapshotId(), "src/victim.bin");
    Files.delete(repoDir.resolve(loc.packKey()));
    List<String> warnings = new ArrayList<>();
    Progress listening = Fixtures.warningsTo(warnings);

    BackupReport full =
        Backup.run(repo, BackupOptions.of(src).withFull(true).withProgress(listening));

    assertThat(warnings).anyMatch(w -> w.contains(loc.packKey()) && w.contains("missing"));
    assertThat(restore(full.snapshotId()).failures()).isEmpty();
    assertThat(Fixtures.sha256(tmp.resolve(full.snapshotId() + "/src/victim.bin")))
        .isEqualTo(Fixtures.sha256(src.resolve("victim.bin")));
    assertThat(repo.storage().list(DamageRecords.PREFIX)).hasSize(1);
    // and the incremental backup after it has a sound base
    BackupReport next = Backup.run(repo, BackupOptions.of(src));
    assertThat(next.newBytes()).isZero();
    assertThat(restore(next.snapshotId()).failures()).isEmpty();
  }

  @Test
  void repackingNeverCopiesADamagedBlobIntoANewPack() throws Exception {
    // a pack with a used blob (victim) and unused ones (gone), so prune wants to repack it
    write(src.resolve("gone.bin"), random(250_000, 3));
    Files.delete(src.resolve("sub/bystander.bin"));
    BackupReport withGone = Backup.run(repo, BackupOptions.of(src).withFull(true));
    Files.delete(src.resolve("gone.bin"));
    BackupReport last = Backup.run(repo, BackupOptions.of(src));
    Forget.byId(repo, List.of(backup.snapshotId(), withGone.snapshotId()), false);
    BlobIndex.Location loc = Fixtures.firstChunk(repo, last.snapshotId(), "src/victim.bin");
    Fixtures.flipByte(repoDir.resolve(loc.packKey()), loc.offset() + 100);

    PruneReport pruned =
        Prune.run(repo, PruneOptions.defaults().withGrace(Duration.ZERO).withMaxUnused(0));

    assertThat(pruned.damagedCopies()).isEqualTo(1);
    assertThat(repoDir.resolve(loc.packKey())).exists(); // kept: it holds the only copy
    assertThat(repo.storage().list(DamageRecords.PREFIX)).hasSize(1);
    VerifyReport v = Verify.run(repo, 100, Progress.NONE);
    assertThat(v.damagedObjects()).allMatch(d -> d.startsWith(loc.packKey()));
    assertThat(v.affectedFiles())
        .extracting(VerifyReport.AffectedFile::path)
        .containsExactly("src/victim.bin");
  }

  /**
   * A chunk replaced by other bytes sealed with the repository's key (a writer holding the key, not
   * bit rot): it opens under its tag, so restore, which checks chunks by their tags and files by
   * their SHA-256, finds the file wrong, then names the chunk by checking each against its id, and
   * records it. A small file (checked in memory) and a large one (written range by range) alike.
   */
  @Test
  void aChunkSealedWithTheKeyButNotTheOneItsIdNamesFailsItsFileNamingTheChunk() throws Exception {
    write(src.resolve("large.bin"), random(12 << 20, 4));
    BackupReport b = Backup.run(repo, BackupOptions.of(src));
    List<BlobIndex.Location> swapped = new ArrayList<>();
    for (String name : List.of("victim.bin", "large.bin")) { // a small file, a large one
      BlobIndex.Location loc = Fixtures.firstChunk(repo, b.snapshotId(), "src/" + name);
      assertThat(loc.codec()).as("random bytes are stored as they are").isZero();
      byte[] other = repo.cipher().seal(random(loc.rawLength(), 99));
      assertThat(other).hasSize(loc.length());
      try (FileChannel ch =
          FileChannel.open(repoDir.resolve(loc.packKey()), StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(other), loc.offset());
      }
      swapped.add(loc);
    }

    RestoreReport r = restore(b.snapshotId());

    assertThat(r.damaged()).isTrue();
    assertThat(r.failures()).hasSize(2);
    List<String> names = List.of("victim.bin", "large.bin");
    for (int i = 0; i < 2; i++) {
      String file = "src/" + names.get(i);
      String blob = "blob " + Hex.of(swapped.get(i).id());
      assertThat(r.failures())
          .anyMatch(
              f -> f.startsWith(file) && f.contains(blob) && f.contains("does not match its id"));
      assertThat(DamageRecords.list(repo, m -> {}).damaged(swapped.get(i))).isTrue();
    }
    Path restored = tmp.resolve(b.snapshotId() + "/src");
    assertThat(restored.resolve("victim.bin")).doesNotExist();
    assertThat(restored.resolve("large.bin")).doesNotExist();
    assertThat(Fixtures.sha256(restored.resolve("sub/bystander.bin")))
        .isEqualTo(Fixtures.sha256(src.resolve("sub/bystander.bin")));
  }

  private RestoreReport restore(String snapshotId) throws Exception {
    return Restore.run(repo, RestoreOptions.of(snapshotId, tmp.resolve(snapshotId)));
  }
}
