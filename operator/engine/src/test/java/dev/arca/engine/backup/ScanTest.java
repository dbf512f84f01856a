package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.repo.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A progress receiver that asks for totals gets the files and bytes the backup covers. */
class ScanTest {
  @TempDir Path tmp;

  @Test
  void totalsMatchWhatTheBackupStores() throws Exception {
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("a.bin"), Fixtures.random(1000, 1));
    Fixtures.write(src.resolve("d/b.bin"), Fixtures.random(2000, 2));
    Fixtures.write(src.resolve("d/skip.tmp"), Fixtures.random(4000, 3));
    Fixtures.write(src.resolve("cache/c.bin"), Fixtures.random(8000, 4));
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    AtomicLong files = new AtomicLong(-1);
    AtomicLong bytes = new AtomicLong(-1);
    CountDownLatch told = new CountDownLatch(1);
    Progress p =
        new Progress() {
          @Override
          public boolean wantsTotals() {
            return true;
          }

          @Override
          public void total(long f, long b) {
            files.set(f);
            bytes.set(b);
            told.countDown();
          }
        };
    BackupReport r =
        Backup.run(
            repo,
            BackupOptions.of(src)
                .withFilters(List.of(), List.of("*.tmp", "src/cache"))
                .withProgress(p));
    assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(files.get()).isEqualTo(r.files()).isEqualTo(2);
    assertThat(bytes.get()).isEqualTo(r.bytes()).isEqualTo(3000);
  }
}
