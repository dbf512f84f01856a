package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failure of the JVM itself keeps the output contract: one line, and one JSON object. */
class FatalErrorTest {
  @TempDir Path tmp;

  @Test
  void runningOutOfMemoryIsOneLineOnStderrAndOneJsonObjectOnStdout() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    // a backup's pack buffers alone take more than a 20 MiB heap
    Cli.Result r =
        Cli.exec(
            List.of("-Xmx20m"),
            Map.of("ARCA_PASSWORD", repo.password, "ARCA_REPO", repo.url),
            "backup",
            "--json",
            repo.source.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.json().get("error").asText()).contains("out of memory", "-Xmx2g");
    assertThat(r.json().get("exitCode").asInt()).isEqualTo(1);
    assertThat(r.stderr().lines().filter(l -> l.startsWith("arca: "))).hasSize(1);
    assertThat(r.stderr()).doesNotContain("Exception in thread", "\tat ");
  }
}
