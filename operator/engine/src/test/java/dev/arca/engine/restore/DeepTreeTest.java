package dev.arca.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.samples.SampleFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder tree 2000 levels deep (a path still under Linux's 4096 bytes) backs up and restores: no
 * walk recurses once per level, so the depth is not limited by the call stack.
 */
class DeepTreeTest {
  static final int LEVELS = 2000;

  @TempDir Path tmp;

  /**
   * Deletes the deep folders before JUnit does: its clean-up resolves every folder's real path,
   * which takes minutes at this depth.
   */
  @AfterEach
  void deleteDeepFolders() throws Exception {
    Fixtures.delete(tmp);
  }

  @Test
  void aTreeTwoThousandLevelsDeepBacksUpAndRestores() throws Exception {
    Path src = tmp.resolve("s");
    Path deepest = SampleFiles.deepFolders(src, LEVELS, "a", "b");
    Fixtures.write(deepest.resolve("f"), "at the bottom");
    Fixtures.write(src.resolve("a/top.txt"), "near the top");
    Repository repo = Fixtures.repo(tmp.resolve("repo"));

    BackupReport b = Backup.run(repo, BackupOptions.of(src));

    assertThat(b.files()).isEqualTo(2);
    assertThat(b.dirs()).isEqualTo(LEVELS + 1);
    Path target = tmp.resolve("t");
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(r.failures()).isEmpty();
    Fixtures.assertSameTree(src, target.resolve("s"));
  }
}
