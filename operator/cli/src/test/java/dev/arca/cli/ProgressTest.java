package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress is drawn only on a terminal: piped stderr stays free of progress bars. */
class ProgressTest {
  @TempDir Path tmp;

  @Test
  void backupToPipesDrawsNoProgress() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();

    Cli.Result r =
        Cli.exec(
            Map.of(),
            "backup",
            "--repo",
            repo.url,
            "--password-file",
            repo.passwordFile.toString(),
            repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).contains("saved");
    assertThat(r.stderr()).as("stderr of %s", r).doesNotContain("\r").doesNotContain("\033[");
  }
}
