package dev.arca.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.samples.SampleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sparse file larger than 4 GiB round-trips exactly and comes back sparse. */
class SparseFileTest {
  @TempDir Path tmp;

  @Test
  void sparseFileOverFourGibRestoresWithHoles() throws Exception {
    Path src = tmp.resolve("src");
    long size = (4L << 30) + 12345;
    Path f =
        SampleFiles.sparse(
            src.resolve("sparse.img"),
            size,
            Map.of(
                0L,
                Fixtures.random(1 << 20, 1),
                (3L << 30) + 77,
                Fixtures.random(3 << 20, 2),
                size - 100,
                Fixtures.random(100, 3)));
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    BackupReport b = Backup.run(repo, BackupOptions.of(src));
    assertThat(b.bytes()).isEqualTo(size);
    assertThat(b.storedBytes()).isLessThan(16L << 20);

    Path target = tmp.resolve("t");
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(r.failures()).isEmpty();
    Path out = target.resolve("src/sparse.img");
    assertThat(Files.size(out)).isEqualTo(size);
    assertThat(Files.mismatch(out, f)).as("first differing byte").isEqualTo(-1L);
    assertThat(Fixtures.allocatedBytes(out)).isLessThan(64L << 20);
  }
}
