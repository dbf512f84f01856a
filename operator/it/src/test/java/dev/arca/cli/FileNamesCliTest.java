package dev.arca.cli;

import static dev.arca.engine.Fixtures.rawName;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File names that are not valid UTF-8 go through the launcher byte for byte, run as a Job whose
 * image sets no locale (where Java would read every non-ASCII byte as U+FFFD): backed up (they were
 * left out, with exit 0 and a warning that they had vanished), listed escaped, selected by globs,
 * restored and exported.
 */
class FileNamesCliTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void namesThatAreNotUtf8SurviveEveryCommandWithoutALocale() throws Exception {
    Path src = tmp.resolve("src");
    Fixtures.write(rawName(src, 'a', 0xff, 'b'), "a Latin-1 name");
    Path dir = Files.createDirectories(rawName(src, 'd', 0xfe));
    Fixtures.write(dir.resolve("f"), "in a Latin-1 folder");
    Fixtures.write(rawName(src, 'x', 0xff), "x and the byte ff");
    Fixtures.write(src.resolve("x\uFFFD"), "x and a real replacement character");
    Fixtures.write(src.resolve("café"), "valid UTF-8");
    Path pw = Fixtures.write(tmp.resolve("pw"), "names password\n");
    String repo = "file://" + tmp.resolve("repo");
    Path work = tmp.resolve("work");
    String[] auth = {"--repo", repo, "--password-file", pw.toString(), "--json"};
    Arca.init(noLocale(), work, repo, pw).ok();

    JsonNode backup = json(run(work, auth, "backup", src.toString()));
    assertThat(backup.get("files").asLong()).isEqualTo(5);
    assertThat(backup.get("unreadable")).isEmpty();

    JsonNode ls = json(run(work, auth, "ls", "latest", "src/d\\xfe"));
    assertThat(ls.get("entries")).hasSize(2);
    assertThat(ls.get("entries").get(1).get("path").asText()).isEqualTo("src/d\\xfe/f");
    assertThat(ls.get("entries").get(1).get("pathHex").asText()).isEqualTo("7372632f64fe2f66");

    Path all = tmp.resolve("all");
    json(run(work, auth, "restore", "latest", "--target", all.toString()));
    Fixtures.assertSameTree(src, all.resolve("src"));

    Path part = tmp.resolve("part");
    json(run(work, auth, "restore", "latest", "--target", part.toString(), "--include", "src/d?"));
    assertThat(part.resolve("src").toFile().list()).hasSize(1);
    assertThat(rawName(part.resolve("src"), 'd', 0xfe).resolve("f"))
        .hasContent("in a Latin-1 folder");

    Path tar = tmp.resolve("x.tar");
    JsonNode export = json(run(work, auth, "export", "latest", "--output", tar.toString()));
    assertThat(export.get("files").asLong()).isEqualTo(5);
    assertThat(export.get("refused")).isEmpty();
    Path untarred = Files.createDirectories(tmp.resolve("untarred"));
    Process p =
        new ProcessBuilder(List.of("tar", "-xf", tar.toString()))
            .directory(untarred.toFile())
            .inheritIO()
            .start();
    assertThat(p.waitFor()).isZero();
    assertThat(rawName(untarred.resolve("src"), 'a', 0xff, 'b')).hasContent("a Latin-1 name");
    assertThat(rawName(untarred.resolve("src"), 'x', 0xff)).hasContent("x and the byte ff");
    assertThat(untarred.resolve("src/x\uFFFD")).hasContent("x and a real replacement character");

    json(run(work, auth, "verify", "--read-data"));
  }

  /** The environment of a container whose image sets no locale. */
  private static Map<String, String> noLocale() {
    Map<String, String> env = new HashMap<>();
    env.put("LANG", null);
    env.put("LC_ALL", null);
    env.put("LC_CTYPE", null);
    return env;
  }

  private static Arca.Result run(Path work, String[] auth, String... command) throws Exception {
    return Arca.run(noLocale(), work, Arca.args(command, auth)).ok();
  }

  private static JsonNode json(Arca.Result r) throws Exception {
    return JSON.readTree(r.stdout());
  }
}
