package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --progress-json: machine-readable progress on stderr, stdout still one JSON object. */
class ProgressJsonTest {
  @TempDir java.nio.file.Path tmp;

  @Test
  void backupPrintsProgressLinesEndingAtTheTotal() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    var files = repo.writeTree();
    Cli.Result r = repo.cli("backup", "--json", "--progress-json", repo.source.toString());
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.json().get("files").asLong()).isEqualTo(files.size());
    JsonNode last = null;
    for (String line : r.stderr().lines().toList()) {
      JsonNode n = Cli.JSON.readTree(line);
      assertThat(n.has("progress")).as(line).isTrue();
      last = n.get("progress");
    }
    assertThat(last).as("a final progress line").isNotNull();
    assertThat(last.get("bytesDone").asLong()).isEqualTo(TestRepo.totalBytes(files));
    assertThat(last.get("bytesTotal").asLong()).isEqualTo(TestRepo.totalBytes(files));
    assertThat(last.get("percent").asInt()).isEqualTo(100);
    assertThat(last.get("filesDone").asLong()).isEqualTo(files.size());
  }
}
