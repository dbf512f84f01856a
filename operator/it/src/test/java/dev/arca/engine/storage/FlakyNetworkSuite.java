package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.verify.Verify;
import dev.arca.it.FlakyProxy;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups and restores through a network that resets connections and stalls, on every object store:
 * each subclass names its server and how to reach it through an endpoint URL.
 */
abstract class FlakyNetworkSuite {
  @TempDir Path tmp;
  Path src;
  URI server;

  /** The store's server, started on first use. */
  protected abstract URI server();

  /** Creates the bucket the next {@link #through} calls use. */
  protected abstract void newBucket();

  /** The repository's store, reached at {@code endpoint} with {@code attempts} per request. */
  protected abstract Storage through(URI endpoint, int attempts);

  @BeforeEach
  void setUp() throws Exception {
    server = server();
    newBucket();
    src = tmp.resolve("src");
    Fixtures.write(src.resolve("model.bin"), Fixtures.random(40 << 20, 1));
    for (int i = 0; i < 200; i++) {
      Fixtures.write(src.resolve("rows/r" + i + ".jsonl"), Fixtures.random(20_000, 100 + i));
    }
  }

  /** A repository with 4 MiB packs, so that a reset costs a small request. */
  private Repository init(Storage s) {
    return Repository.init(
        s,
        Fixtures.PASSWORD,
        Repository.InitOptions.defaults().withScryptN(1024).withPackSize(4 << 20));
  }

  @Test
  void backupAndRestoreCompleteThroughResetsAndDelays() throws Exception {
    try (FlakyProxy proxy = new FlakyProxy(server, 0.08, 50, 7)) {
      Repository repo = init(through(proxy.uri(), 10));
      BackupReport b = Backup.run(repo, BackupOptions.of(src));
      Restore.run(repo, RestoreOptions.of(b.snapshotId(), tmp.resolve("out")));
      Fixtures.assertSameTree(src, tmp.resolve("out/src"));
      assertThat(proxy.resets.get()).as("connections reset by the proxy").isGreaterThanOrEqualTo(3);
      System.out.printf(
          "flaky network: %d connections, %d reset%n", proxy.connections.get(), proxy.resets.get());
    }
    Repository direct = Repository.open(through(server, 10), Fixtures.PASSWORD);
    assertThat(Verify.run(direct, 100, Progress.NONE).ok()).isTrue();
  }

  @Test
  void aBackupCutOffByTheNetworkLeavesNoSnapshotAndTheNextOneSucceeds() throws Exception {
    try (FlakyProxy proxy = new FlakyProxy(server, 0, 0, 8)) {
      Repository repo = init(through(proxy.uri(), 2));
      CompletableFuture<BackupReport> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Backup.run(repo, BackupOptions.of(src));
                } catch (Exception e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              });
      while (proxy.bytes.get() < 10 << 20 && !run.isDone()) {
        Thread.sleep(1);
      }
      proxy.down(); // the network goes away for good during the backup
      assertThatThrownBy(run::join).hasRootCauseInstanceOf(java.io.IOException.class);
    }
    Repository direct = Repository.open(through(server, 10), Fixtures.PASSWORD);
    assertThat(Snapshots.list(direct).readable()).isEmpty();
    BackupReport next = Backup.run(direct, BackupOptions.of(src));
    Restore.run(direct, RestoreOptions.of(next.snapshotId(), tmp.resolve("out")));
    Fixtures.assertSameTree(src, tmp.resolve("out/src"));
    assertThat(Verify.run(direct, 100, Progress.NONE).ok()).isTrue();
  }
}
