package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.FileStorage;
import dev.arca.engine.verify.Verify;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups running at the same time into one repository all commit, with no lock to clear. */
class ConcurrentBackupTest {
  @TempDir Path tmp;

  @Test
  void simultaneousBackupsOfIdenticalDataIntoAnUnencryptedRepositoryAllSucceed() throws Exception {
    Path src = tmp.resolve("src");
    for (int i = 0; i < 8; i++) {
      Fixtures.write(src.resolve("f" + i), Fixtures.random(3 << 20, i));
    }
    Path dir = tmp.resolve("repo");
    Repository.init(
        new FileStorage(dir), null, Repository.InitOptions.defaults().withEncryption(false));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<String> ids = new ArrayList<>();
    try {
      List<Future<BackupReport>> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        // Each run opens the repository itself, as separate processes would.
        runs.add(
            pool.submit(
                () ->
                    Backup.run(
                        Repository.open(new FileStorage(dir), null),
                        BackupOptions.of(src).withThreads(2))));
      }
      for (Future<BackupReport> r : runs) {
        assertThat(r.get().files()).isEqualTo(8);
        ids.add(r.get().snapshotId());
      }
    } finally {
      pool.shutdownNow();
    }
    Repository repo = Repository.open(new FileStorage(dir), null);
    // Runs that started in the same microsecond wrote byte-identical snapshots: one object.
    assertThat(Snapshots.list(repo).readable().stream().map(Snapshots.Ref::id).toList())
        .containsAll(ids)
        .hasSizeBetween(1, 3);
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of("latest", target));
    Fixtures.assertSameTree(src, target.resolve("src"));
  }
}
