package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source file that changes while it is read is reported, and what is stored is consistent. */
class ChangingSourceTest {
  @TempDir Path tmp;

  @Test
  void fileRewrittenDuringBackupIsCountedAndStoredConsistently() throws Exception {
    Path src = tmp.resolve("src");
    Path f = Fixtures.write(src.resolve("growing.log"), Fixtures.random(96 << 20, 1));
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    List<String> warnings = new CopyOnWriteArrayList<>();
    // The reader can be at most the memory budget ahead of the first stored chunk, so when the
    // first chunk is stored the end of the 96 MiB file has not been read yet.
    Progress writer =
        Fixtures.changingAtFirstBytes(
            () -> {
              try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(Fixtures.random(1 << 20, 2)), (95L << 20));
              }
            },
            warnings);
    BackupOptions opts =
        BackupOptions.of(src).withProgress(writer).withThreads(2).withMemoryBudget(16 << 20);
    BackupReport r = Backup.run(repo, opts);

    assertThat(r.changedWhileReading()).isEqualTo(1);
    assertThat(warnings).anyMatch(w -> w.contains("growing.log: changed while it was read"));
    // What was stored restores cleanly: its chunks and its recorded SHA-256 agree.
    Path target = tmp.resolve("t");
    RestoreReport rr = Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(rr.failures()).isEmpty();
    assertThat(Files.size(target.resolve("src/growing.log"))).isEqualTo(96L << 20);
    // The next backup reads it again instead of trusting the metadata seen before the change.
    BackupReport next = Backup.run(repo, BackupOptions.of(src));
    assertThat(next.unchangedFiles()).isZero();
    Path target2 = tmp.resolve("t2");
    Restore.run(repo, RestoreOptions.of("latest", target2));
    assertThat(Fixtures.sha256(target2.resolve("src/growing.log"))).isEqualTo(Fixtures.sha256(f));
  }
}
