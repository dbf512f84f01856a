package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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

  @Test
  void backupOnATerminalDrawsProgress() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    Path script = Path.of("/usr/bin/script");
    Assumptions.assumeTrue(
        Files.isExecutable(script), "util-linux script gives the CLI a terminal");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        String.join(
            " ",
            javaBin,
            "-cp",
            System.getProperty("java.class.path"),
            "dev.arca.cli.Main",
            "backup",
            "--repo",
            repo.url,
            "--password-file",
            repo.passwordFile.toString(),
            repo.source.toString());
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "-qec", command, "/dev/null");
    pb.environment().put("LC_ALL", "C.UTF-8");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    // A redrawn line: carriage return, clear-line escape, then bytes and files counted.
    assertThat(out).contains("\r\033[K").containsPattern("\\d+ files");
    assertThat(out).contains("saved");
  }
}
