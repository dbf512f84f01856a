package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ARCA_SUMMARY_FILE: the JSON result also lands in a file (a Job's termination message). */
class SummaryFileTest {
  @TempDir Path tmp;

  @Test
  void theJsonResultOrErrorIsWrittenToTheSummaryFile() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    Path summary = tmp.resolve("termination-log");
    Map<String, String> env =
        Map.of("ARCA_SUMMARY_FILE", summary.toString(), "ARCA_PASSWORD", repo.password);

    Cli.Result ok = Cli.exec(env, "backup", "--repo", repo.url, "--json", repo.source.toString());
    assertThat(ok.exitCode()).as("%s", ok).isZero();
    JsonNode written = Cli.JSON.readTree(Files.readString(summary));
    assertThat(written).isEqualTo(ok.json());
    assertThat(written.get("snapshotId").asText()).hasSize(64);

    Cli.Result bad =
        Cli.exec(
            env,
            "restore",
            "nope",
            "--repo",
            repo.url,
            "--target",
            tmp.resolve("o").toString(),
            "--json");
    assertThat(bad.exitCode()).isEqualTo(2);
    JsonNode error = Cli.JSON.readTree(Files.readString(summary));
    assertThat(error.get("ok").asBoolean()).isFalse();
    assertThat(error.get("exitCode").asInt()).isEqualTo(2);
    assertThat(error.get("error").asText()).contains("no snapshot with id 'nope'");
  }
}
