package dev.arca.engine.restore;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several large files restored together: their ranges take turns on the pool and every thread may
 * feed a file's whole-file hash, yet each file comes back byte for byte, holes included.
 */
class LargeFilesRestoreTest {
  @TempDir Path tmp;

  @Test
  void largeFilesRestoredTogetherComeBackIntact() throws Exception {
    Path src = tmp.resolve("src");
    write(src.resolve("a.bin"), random(29 << 20, 1));
    write(src.resolve("b.bin"), random((17 << 20) + 3, 2));
    byte[] withZeros = random(24 << 20, 3);
    java.util.Arrays.fill(withZeros, 4 << 20, 14 << 20, (byte) 0);
    write(src.resolve("c/holes.bin"), withZeros);
    write(src.resolve("c/small.txt"), "between the large ones\n");
    Fixtures.safetensors(
        src.resolve("m.safetensors"), new int[] {5 << 20, 3 << 20, 77}, new long[] {4, 5, 6});
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Backup.run(repo, BackupOptions.of(src));

    for (int threads : new int[] {1, 2, 5}) {
      Path target = tmp.resolve("target-" + threads);
      RestoreOptions o = RestoreOptions.of("latest", target);
      RestoreReport r =
          Restore.run(
              repo,
              new RestoreOptions(
                  o.snapshot(),
                  o.before(),
                  o.target(),
                  o.includes(),
                  o.overwrite(),
                  threads,
                  o.progress(),
                  o.filter()));
      assertThat(r.failures()).as("threads=%d", threads).isEmpty();
      assertThat(r.files()).isEqualTo(5);
      Fixtures.assertSameTree(src, target.resolve("src"));
    }
  }
}
