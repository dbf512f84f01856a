package dev.arca.engine.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.backup.BackupResult;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.CommitGuard;
import dev.arca.engine.repo.GarbageMarks;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.FileStorage;
import dev.arca.engine.verify.Verify;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prune deletes what no snapshot needs, in two phases, and never what a snapshot needs. */
class PruneTest {
  @TempDir Path tmp;
  Repository repo;
  Path src;

  @BeforeEach
  void setUp() throws Exception {
    repo = Fixtures.repo(tmp.resolve("repo"));
    src = tmp.resolve("src");
  }

  private static PruneOptions at(Duration later, Duration grace) {
    return PruneOptions.defaults()
        .withGrace(grace)
        .withClock(Clock.fixed(Instant.now().plus(later), ZoneOffset.UTC));
  }

  private long repoBytes() throws Exception {
    return repo.storage().list("").stream().mapToLong(o -> o.size()).sum();
  }

  private void forget(String id) throws Exception {
    remembered.put(id, Snapshots.resolve(repo, id, null, w -> {}).snapshot());
    repo.storage().delete(Snapshot.PREFIX + id);
  }

  private void assertRestores(BackupResult b, Path expected) throws Exception {
    assertRestores(b.snapshotId(), expected);
  }

  private void assertRestores(String snapshotId, Path expected) throws Exception {
    Path out = tmp.resolve("out-" + snapshotId.substring(0, 8));
    Restore.run(repo, RestoreOptions.of(snapshotId, out));
    Fixtures.assertSameTree(expected, out.resolve("src"));
  }

  @Test
  void dataOnlyAForgottenSnapshotNeededIsMarkedThenDeletedAfterTheGracePeriod() throws Exception {
    Fixtures.write(src.resolve("old.bin"), Fixtures.random(3 << 20, 1));
    BackupResult first = Backup.run(repo, BackupOptions.of(src));
    Files.delete(src.resolve("old.bin"));
    Fixtures.write(src.resolve("new.bin"), Fixtures.random(2 << 20, 2));
    BackupResult second = Backup.run(repo, BackupOptions.of(src));
    forget(first.snapshotId());
    long before = repoBytes();

    // Packs younger than the grace period are left alone.
    PruneResult young = Prune.run(repo, at(Duration.ZERO, Duration.ofHours(24)));
    assertThat(young.markedPacks()).isZero();

    // Two days later: marked (the old file's data pack and the old snapshot's tree pack),
    // nothing deleted yet.
    PruneResult mark = Prune.run(repo, at(Duration.ofDays(2), Duration.ofHours(24)));
    assertThat(mark.markedPacks()).isEqualTo(2);
    assertThat(mark.deletedPacks()).isZero();
    assertThat(mark.pendingPacks()).isEqualTo(2);
    assertThat(GarbageMarks.list(repo)).hasSize(1);
    assertRestores(second, src);
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();

    // A dry run a further two days on says what it would delete, and deletes nothing.
    PruneResult dry =
        Prune.run(repo, at(Duration.ofDays(4), Duration.ofHours(24)).withDryRun(true));
    assertThat(dry.deletedPacks()).isEqualTo(2);
    assertThat(repoBytes()).isEqualTo(before + markBytes());

    PruneResult sweep = Prune.run(repo, at(Duration.ofDays(4), Duration.ofHours(24)));
    assertThat(sweep.deletedPacks()).isEqualTo(2);
    assertThat(sweep.reclaimedBytes()).isGreaterThan(2 << 20);
    assertThat(GarbageMarks.list(repo)).isEmpty();
    assertThat(repoBytes()).isLessThan(before - (2 << 20));
    assertRestores(second, src);
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
  }

  /** The snapshot object a backup wrote, read back before it is forgotten. */
  private Snapshot snapshotOf(BackupResult b) {
    return remembered.get(b.snapshotId());
  }

  private final java.util.Map<String, Snapshot> remembered = new java.util.HashMap<>();

  private long markBytes() throws Exception {
    return repo.storage().list(dev.arca.engine.format.GarbageMark.PREFIX).stream()
        .mapToLong(o -> o.size())
        .sum();
  }

  @Test
  void aMarkedPackThatASnapshotNeedsAgainIsKept() throws Exception {
    Fixtures.write(src.resolve("model.bin"), Fixtures.random(3 << 20, 3));
    BackupResult first = Backup.run(repo, BackupOptions.of(src));
    forget(first.snapshotId());
    Prune.run(repo, at(Duration.ofDays(2), Duration.ofHours(24)));
    assertThat(GarbageMarks.list(repo)).hasSize(1);

    // The data comes back into use: a snapshot written while the mark is young refers to it
    // (as a backup that started before the mark would), so the sweep must keep the pack.
    String revived = Snapshots.save(repo, snapshotOf(first));
    PruneResult sweep = Prune.run(repo, at(Duration.ofDays(4), Duration.ofHours(24)));
    assertThat(sweep.deletedPacks()).isZero();
    assertThat(sweep.rescuedPacks()).isEqualTo(2);
    assertRestores(revived, src);
  }

  @Test
  void backupsDoNotDeduplicateAgainstMarkedPacksAndRefuseToCommitOnDoomedOnes() throws Exception {
    Fixtures.write(src.resolve("model.bin"), Fixtures.random(3 << 20, 4));
    BackupResult first = Backup.run(repo, BackupOptions.of(src));
    forget(first.snapshotId());
    Prune.run(repo, at(Duration.ofDays(2), Duration.ofHours(24)));

    // Same data again: stored anew rather than pointing at the marked pack.
    BackupResult again = Backup.run(repo, BackupOptions.of(src));
    assertThat(again.newBytes()).isGreaterThanOrEqualTo(3 << 20);
    PruneResult sweep = Prune.run(repo, at(Duration.ofDays(4), Duration.ofHours(24)));
    assertThat(sweep.deletedPacks()).isEqualTo(2);
    assertRestores(again, src);

    // A snapshot that needs a pack whose mark is due is refused at commit.
    GarbageMarks.save(
        repo,
        repo.loadIndex().packIds().stream().map(dev.arca.engine.format.Hex::of).toList(),
        Instant.now().minus(Duration.ofHours(2)),
        Instant.now().minus(Duration.ofHours(1)));
    String tree = Snapshots.resolve(repo, again.snapshotId(), null, w -> {}).snapshot().tree();
    assertThatThrownBy(() -> CommitGuard.check(repo, tree, Instant.now(), Instant.now()))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("no snapshot was written");
    // a backup whose session started before that mark was made is not refused: its session holds
    // the mark, so no prune deletes those packs while it runs
    CommitGuard.check(repo, tree, Instant.now().minus(Duration.ofHours(3)), Instant.now());
  }

  @Test
  void partlyUsedPacksAreRepackedAndTheirUnusedBytesReclaimed() throws Exception {
    for (int i = 0; i < 200; i++) {
      Fixtures.write(src.resolve("rows/r" + i + ".jsonl"), Fixtures.random(20_000, 100 + i));
    }
    BackupResult all = Backup.run(repo, BackupOptions.of(src));
    for (int i = 0; i < 200; i += 2) {
      Files.delete(src.resolve("rows/r" + i + ".jsonl"));
    }
    BackupResult half = Backup.run(repo, BackupOptions.of(src));
    forget(all.snapshotId());
    long before = repoBytes();

    PruneResult r = Prune.run(repo, at(Duration.ofDays(2), Duration.ZERO).withMaxUnused(0));
    assertThat(r.repackedPacks()).isGreaterThanOrEqualTo(1);
    assertThat(r.deletedPacks()).isEqualTo(r.markedPacks());
    assertThat(before - repoBytes()).isGreaterThan(1_500_000L);
    assertThat(GarbageMarks.list(repo)).isEmpty();
    assertRestores(half, src);
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
    assertThat(new FileStorage(tmp.resolve("repo")).list("index/")).isNotEmpty();
  }

  @Test
  void pruneRefusesToWorkFromADamagedIndex() throws Exception {
    Fixtures.write(src.resolve("a.bin"), Fixtures.random(1 << 20, 5));
    Backup.run(repo, BackupOptions.of(src));
    for (var o : repo.storage().list("index/")) {
      repo.storage().delete(o.key());
    }
    List<String> before = repo.storage().list("").stream().map(o -> o.key()).toList();
    assertThatThrownBy(() -> Prune.run(repo, at(Duration.ofDays(2), Duration.ZERO)))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("nothing was deleted");
    assertThat(repo.storage().list("").stream().map(o -> o.key()).toList())
        .containsExactlyInAnyOrderElementsOf(before);
  }
}
