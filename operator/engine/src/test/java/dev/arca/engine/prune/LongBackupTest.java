package dev.arca.engine.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.contract.PruneReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.backup.StreamSource;
import dev.arca.engine.forget.Forget;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.WriterSessions;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.FileStorage;
import dev.arca.engine.storage.ForwardingStorage;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.verify.Verify;
import dev.arca.samples.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups that outlast several grace periods, with prunes in between, on a clock the test moves:
 * the backup's writer session holds every mark it may depend on, so it commits a snapshot whose
 * every pack exists; a backup that cannot renew its session refuses to commit.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LongBackupTest {
  static final Duration GRACE = Duration.ofHours(24);

  @TempDir Path tmp;

  /** A dump that writes its bytes only once the test lets it: a backup that runs for days. */
  static final class HeldStream implements StreamSource {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String path() {
      return "db/dump.sql";
    }

    @Override
    public Running start() {
      return new Running() {
        @Override
        public InputStream output() {
          started.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new ByteArrayInputStream(Fixtures.random(100_000, 3));
        }

        @Override
        public void finish() {}

        @Override
        public void close() {}
      };
    }
  }

  private PruneOptions at(ManualClock clock) {
    return PruneOptions.defaults().withGrace(GRACE).withClock(clock);
  }

  /** Waits until the running backup's session was written at the clock's present time. */
  private static void awaitRefreshed(Repository repo, ManualClock clock) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      List<WriterSessions.Ref> s = WriterSessions.list(repo);
      if (s.stream().anyMatch(r -> !r.refreshedAt().isBefore(clock.instant()))) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the backup's session was not written anew");
  }

  @Test
  void aBackupLastingThreeGracePeriodsWithPrunesBetweenCommitsAllItNeeds() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    ManualClock clock = new ManualClock();
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("model.bin"), Fixtures.random(3 << 20, 4));
    // an old snapshot of the same data, forgotten: its packs are garbage to the next prune
    BackupReport old = Backup.run(repo, BackupOptions.of(src).withClock(clock));
    Forget.byId(repo, List.of(old.snapshotId()), false);

    // a new backup starts: its index has the old packs (not marked yet), so it refers to them
    HeldStream dump = new HeldStream();
    CompletableFuture<BackupReport> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Backup.run(
                    repo, BackupOptions.of(src).withClock(clock).withStreams(List.of(dump)));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(dump.started.await(30, TimeUnit.SECONDS)).isTrue();

    int held = 0;
    for (int period = 1; period <= 3; period++) {
      clock.advance(GRACE.plusHours(2));
      awaitRefreshed(repo, clock);
      PruneReport r = Prune.run(repo, at(clock));
      assertThat(r.deletedPacks()).as("prune %d deleted nothing the backup needs", period).isZero();
      held += r.heldMarks();
    }
    assertThat(held).as("the mark of the old packs was due and held").isPositive();

    dump.release.countDown();
    BackupReport b = running.get(60, TimeUnit.SECONDS);
    assertThat(WriterSessions.list(repo)).as("the session ends with the backup").isEmpty();
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
    // later prunes keep what the new snapshot needs (rescued), and delete nothing it needs
    clock.advance(GRACE.plusHours(2));
    Prune.run(repo, at(clock));
    Path out = tmp.resolve("out");
    assertThat(Restore.run(repo, RestoreOptions.of(b.snapshotId(), out)).failures()).isEmpty();
    assertThat(Fixtures.sha256(out.resolve("src/model.bin")))
        .isEqualTo(Fixtures.sha256(src.resolve("model.bin")));
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
  }

  @Test
  void aBackupThatCannotRenewItsSessionRefusesToCommit() throws Exception {
    boolean[] refuseSessions = new boolean[1];
    Storage inner = new FileStorage(tmp.resolve("repo"));
    Storage store = new SessionBlockingStorage(inner, refuseSessions);
    Repository repo = Fixtures.repo(store);
    ManualClock clock = new ManualClock();
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("a.bin"), Fixtures.random(100_000, 1));
    HeldStream dump = new HeldStream();
    CompletableFuture<BackupReport> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Backup.run(
                    repo, BackupOptions.of(src).withClock(clock).withStreams(List.of(dump)));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(dump.started.await(30, TimeUnit.SECONDS)).isTrue();
    refuseSessions[0] = true; // the store refuses the session's renewals from now on
    clock.advance(WriterSessions.TTL);
    Thread.sleep(500);
    dump.release.countDown();
    assertThatThrownBy(() -> running.join())
        .hasRootCauseInstanceOf(ArcaException.class)
        .rootCause()
        .hasMessageContaining("could not renew its writer session")
        .hasMessageContaining("no snapshot was written");
    assertThat(dev.arca.engine.repo.Snapshots.list(repo).readable()).isEmpty();
  }

  @Test
  void aKilledBackupsSessionHoldsMarksOnlyUntilItIsStale() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    ManualClock clock = new ManualClock();
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("a.bin"), Fixtures.random(1 << 20, 5));
    BackupReport b = Backup.run(repo, BackupOptions.of(src).withClock(clock));
    Forget.byId(repo, List.of(b.snapshotId()), false);
    clock.advance(GRACE.plusHours(1));
    Instant marked = clock.instant();
    assertThat(Prune.run(repo, at(clock)).markedPacks()).isPositive();
    // a backup that started before the mark and was killed just now: its last session object
    clock.advance(GRACE.plusHours(1));
    WriterSessions.write(
        repo,
        new WriterSessions.Session(
            "0".repeat(32),
            "killed",
            marked.minus(Duration.ofHours(1)).toString(),
            clock.instant().toString()));
    PruneReport held = Prune.run(repo, at(clock));
    assertThat(held.heldMarks()).isEqualTo(1);
    assertThat(held.deletedPacks()).isZero();
    // once it has not been renewed for its time to live, it holds nothing
    clock.advance(WriterSessions.TTL.plusMinutes(1));
    PruneReport r = Prune.run(repo, at(clock));
    assertThat(r.staleSessions()).isEqualTo(1);
    assertThat(r.heldMarks()).isZero();
    assertThat(r.deletedPacks()).isPositive();
    assertThat(WriterSessions.list(repo)).isEmpty();
  }

  /** A store that refuses to create session objects while {@code refuse[0]} is set. */
  static final class SessionBlockingStorage extends ForwardingStorage {
    private final boolean[] refuse;

    SessionBlockingStorage(Storage inner, boolean[] refuse) {
      super(inner);
      this.refuse = refuse;
    }

    @Override
    public void create(String key, byte[] data, int offset, int length) throws IOException {
      if (refuse[0] && key.startsWith(WriterSessions.PREFIX)) {
        throw new IOException("refused");
      }
      inner.create(key, data, offset, length);
    }
  }
}
