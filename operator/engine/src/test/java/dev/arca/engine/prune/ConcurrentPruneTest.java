package dev.arca.engine.prune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.PruneReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.forget.Forget;
import dev.arca.engine.forget.Retention;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SnapshotFilter;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.FileStorage;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.verify.Verify;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several backups into one repository at once, with forget and prune running all the while: every
 * snapshot that exists at the end restores exactly what was backed up, and verify finds nothing.
 * The grace period is one second, so packs are marked and deleted many times during the run.
 */
public class ConcurrentPruneTest {
  @TempDir Path tmp;

  /** The store; the integration tier runs the same test on MinIO. */
  protected Storage newStorage(Path dir) throws Exception {
    return new FileStorage(dir);
  }

  @Test
  void noSnapshotEverLosesDataWhileBackupsForgetAndPruneRunTogether() throws Exception {
    Repository repo = Fixtures.repo(newStorage(tmp.resolve("repo")));
    Map<String, Map<String, String>> expected = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean stopForget = new AtomicBoolean();
    AtomicInteger backups = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger prunes = new AtomicInteger();
    AtomicInteger deleted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Future<?>> jobs = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      int writer = w;
      jobs.add(
          pool.submit(
              () -> {
                Path src = tmp.resolve("src-" + writer);
                for (int i = 0; !stop.get(); i++) {
                  // data every writer has, data of its own that changes each run, and data that
                  // goes away for a few seconds and comes back (by then forgotten and marked)
                  Fixtures.write(src.resolve("shared.bin"), Fixtures.random(600_000, 7));
                  Fixtures.write(
                      src.resolve("own.bin"), Fixtures.random(300_000, writer * 1000L + i));
                  Fixtures.write(
                      src.resolve("returning.bin"),
                      Fixtures.random(1 << 20, writer * 1000L + 500 + (i / 15) % 3));
                  Map<String, String> tree = Fixtures.describe(src);
                  try {
                    BackupReport b = Backup.run(repo, BackupOptions.of(src).withThreads(2));
                    expected.put(b.snapshotId(), tree);
                    backups.incrementAndGet();
                  } catch (ArcaException e) {
                    assertThat(e.getMessage()).contains("no snapshot was written");
                    refused.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    jobs.add(
        pool.submit(
            () -> {
              while (!stopForget.get()) {
                Forget.run(repo, new Retention(2, 0, 0, 0, 0, 0), SnapshotFilter.ANY, false);
                Thread.sleep(200);
              }
              return null;
            }));
    jobs.add(
        pool.submit(
            () -> {
              while (!stop.get()) {
                PruneReport r =
                    Prune.run(
                        repo,
                        PruneOptions.defaults().withGrace(Duration.ofSeconds(1)).withMaxUnused(0));
                prunes.incrementAndGet();
                deleted.addAndGet(r.deletedPacks());
              }
              return null;
            }));
    // Forget stops before the end, so the snapshots of the last seconds (written while prune was
    // still marking and deleting) are all there to be checked.
    long millis = Long.getLong("arca.test.concurrentSeconds", 10) * 1000;
    Thread.sleep(millis * 6 / 10);
    stopForget.set(true);
    Thread.sleep(millis * 4 / 10);
    stop.set(true);
    for (Future<?> f : jobs) {
      f.get();
    }
    pool.shutdown();

    assertThat(backups.get()).isGreaterThan(6);
    assertThat(prunes.get()).isGreaterThan(2);
    assertThat(deleted.get()).as("packs deleted by prune during the run").isGreaterThan(0);
    List<Snapshots.Ref> left = Snapshots.list(repo).readable();
    assertThat(left).isNotEmpty();
    for (Snapshots.Ref s : left) {
      Path out = tmp.resolve("out/" + s.id());
      Restore.run(repo, RestoreOptions.of(s.id(), out));
      String name = Path.of(s.snapshot().paths().get(0)).getFileName().toString();
      assertThat(Fixtures.describe(out.resolve(name))).isEqualTo(expected.get(s.id()));
    }
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
    System.out.printf(
        "concurrent run: %d backups, %d refused by the commit guard, %d prunes, %d packs deleted%n",
        backups.get(), refused.get(), prunes.get(), deleted.get());
  }
}
