package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import dev.arca.samples.SampleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder tree 2000 levels deep, its deepest path still under Linux's 4096 bytes, goes through
 * every command of the launcher: backup, ls, export, verify and restore all succeed (a recursive
 * backup walk ended in a stack overflow here).
 */
class DeepTreeCliTest {
  static final int LEVELS = 2000;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** JUnit's own clean-up resolves every folder's real path, which takes minutes at this depth. */
  @AfterEach
  void deleteDeepFolders() throws Exception {
    Fixtures.delete(tmp);
  }

  @Test
  void everyCommandHandlesATreeTwoThousandLevelsDeep() throws Exception {
    Path src = tmp.resolve("s");
    Path deepest = SampleFiles.deepFolders(src, LEVELS, "a");
    String rel = "s" + "/a".repeat(LEVELS);
    Fixtures.write(deepest.resolve("f"), "at the bottom");
    Path pw = Fixtures.write(tmp.resolve("pw"), "deep tree password\n");
    String repo = "file://" + tmp.resolve("repo");
    Path work = tmp.resolve("work");
    String[] auth = {"--repo", repo, "--password-file", pw.toString(), "--json"};
    Arca.init(Map.of(), work, repo, pw).ok();

    JsonNode backup = json(run(work, auth, "backup", src.toString()));
    assertThat(backup.get("files").asLong()).isEqualTo(1);
    assertThat(backup.get("dirs").asLong()).isEqualTo(LEVELS + 1);

    JsonNode ls = json(run(work, auth, "ls", "latest"));
    assertThat(ls.get("entries")).hasSize(LEVELS + 2);
    assertThat(ls.get("entries").get(LEVELS + 1).get("path").asText()).isEqualTo(rel + "/f");

    Path tar = tmp.resolve("x.tar");
    JsonNode export = json(run(work, auth, "export", "latest", "--output", tar.toString()));
    assertThat(export.get("files").asLong()).isEqualTo(1);
    assertThat(export.get("dirs").asLong()).isEqualTo(LEVELS + 1);
    assertThat(Files.size(tar)).isGreaterThan(4096L * LEVELS / 2);

    json(run(work, auth, "verify", "--read-data"));

    Path target = tmp.resolve("t");
    json(run(work, auth, "restore", "latest", "--target", target.toString()));
    assertThat(target.resolve(rel + "/f")).hasContent("at the bottom");
  }

  private static Arca.Result run(Path work, String[] auth, String... command) throws Exception {
    return Arca.run(Map.of(), work, Arca.args(command, auth)).ok();
  }

  private static JsonNode json(Arca.Result r) throws Exception {
    return JSON.readTree(r.stdout());
  }
}
