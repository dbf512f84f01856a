package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arca demo} and {@code arca --help}. */
class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void demoRestoresEverythingAndSaysSo() {
    Cli.Result r = Cli.run("demo", "--json", "--dir", tmp.resolve("demo").toString());

    assertThat(r.exitCode()).as("%s", r).isZero();
    JsonNode report = r.json();
    assertThat(report.get("allMatched").asBoolean(false)).as("%s", report).isTrue();
    assertThat(report.get("filesCompared").asLong()).isPositive();
    assertThat(report.get("secondBackup").get("mode").asText()).isEqualTo("incremental");
    assertThat(report.get("secondBackup").get("unchangedFiles").asLong()).isPositive();
  }

  @Test
  void demoRefusesAFolderThatAlreadyHoldsADemo() {
    Path dir = tmp.resolve("demo");
    TestRepo.write(dir.resolve("repo/config"), new byte[] {'{', '}'});

    Cli.Result r = Cli.run("demo", "--dir", dir.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("already holds a demo");
  }

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    Cli.Result r = Cli.run("--help");

    assertThat(r.exitCode()).as("%s", r).isZero();
    for (String command :
        new String[] {"init", "backup", "snapshots", "ls", "restore", "verify", "demo"}) {
      assertThat(r.stdout())
          .as("command %s", command)
          .containsPattern("(?m)^\\s+" + command + "\\s");
    }
    assertThat(r.stdout())
        .contains("Exit codes")
        .contains("0 success")
        .contains("1 error")
        .contains("2 usage")
        .contains("3 integrity")
        .contains("4 wrong password")
        .contains("5 repository not found");
  }

  @Test
  void versionPrintsTheProgramName() {
    Cli.Result r = Cli.run("--version");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).startsWith("arca ");
  }
}
