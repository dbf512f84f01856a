package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore into a disk that fills up: what is under its final name is complete, what did not fit
 * is named (path and reason) and absent, nothing is left half-written or under a temporary name,
 * and the exit code says the restore did not finish.
 */
class FullDiskTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void filesThatDoNotFitAreNamedAndNeverLeftPartlyWrittenUnderTheirNames() throws Exception {
    Path pw = Fixtures.write(tmp.resolve("pw"), "full disk test password\n");
    Path src = tmp.resolve("src");
    Map<String, String> expected = new TreeMap<>();
    for (int i = 0; i < 30; i++) {
      String rel = "src/small/f" + i + ".bin";
      Path p = Fixtures.write(tmp.resolve(rel), Fixtures.random(100_000 + i, i));
      expected.put(rel, Fixtures.sha256(p));
    }
    for (int i = 0; i < 2; i++) {
      String rel = "src/large-" + i + ".bin";
      Path p = Fixtures.write(tmp.resolve(rel), Fixtures.random(12 << 20, 100 + i));
      expected.put(rel, Fixtures.sha256(p));
    }
    Path work = tmp.resolve("work");
    String repo = "file://" + tmp.resolve("repo");
    Map<String, String> env = Map.of();
    assertThat(Arca.init(env, work, repo, pw).exitCode()).isZero();
    Arca.run(env, work, "backup", "--repo", repo, "--password-file", pw.toString(), src.toString())
        .ok();

    Path disk = tmp.resolve("disk");
    Arca.OnSmallDisk run =
        Arca.runOnSmallDisk(env, work, disk, 2 << 20, Arca.restoreLatest(repo, pw, disk, "--json"));

    Arca.Result r = run.result();
    assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isEqualTo(1);
    JsonNode out = JSON.readTree(r.stdout());
    Set<String> failed = new HashSet<>();
    out.get("failures").forEach(f -> failed.add(f.asText().substring(0, f.asText().indexOf(": "))));
    assertThat(failed).as("what did not fit").contains("src/large-0.bin", "src/large-1.bin");
    assertThat(run.files().keySet())
        .as("a file is under its name or named as not restored, never both or neither")
        .doesNotContainAnyElementsOf(failed)
        .hasSize(expected.size() - failed.size())
        .isNotEmpty();
    run.files()
        .forEach(
            (rel, sha) -> assertThat(sha).as("content of %s", rel).isEqualTo(expected.get(rel)));
    for (JsonNode f : out.get("failures")) {
      String rel = f.asText().substring(0, f.asText().indexOf(": "));
      assertThat(f.asText())
          .as("a failure names the file where it was to go and why")
          .contains(disk.resolve(rel).toString())
          .contains("No space left on device");
      assertThat(r.stderr()).contains("not restored: " + f.asText());
    }
    assertThat(out.get("written").asLong()).isEqualTo(run.files().size());
  }
}
