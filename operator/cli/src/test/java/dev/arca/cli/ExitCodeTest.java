package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Documented exit codes, error messages, and the JSON error object of {@code --json}. */
class ExitCodeTest {
  @TempDir Path tmp;

  @Test
  void unknownOptionIsUsageError() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();

    Cli.Result r = repo.cli("backup", "--no-such-option", repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("--no-such-option");
  }

  @Test
  void unknownCommandIsUsageError() {
    Cli.Result r = Cli.run("frobnicate");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("frobnicate");
  }

  @Test
  void restoreWithoutTargetIsUsageError() {
    TestRepo repo = new TestRepo(tmp).init();

    Cli.Result r = repo.cli("restore", "latest");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("--target");
  }

  @Test
  void badOverwriteModeIsUsageError() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();

    Cli.Result r =
        repo.cli("restore", "--target", tmp.resolve("t").toString(), "--overwrite", "sometimes");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("sometimes");
  }

  @Test
  void wrongPasswordIsExitCode4AndNeverEchoesThePassword() {
    // The one repository in these tests made with the default (slow) key derivation.
    TestRepo repo = new TestRepo(tmp);
    Cli.Result init = repo.cli("init", "--json");
    assertThat(init.exitCode()).as("%s", init).isZero();
    assertThat(init.json().get("encrypted").asBoolean()).isTrue();
    assertThat(repo.json("snapshots").get("snapshots")).isEmpty();
    String wrong = "Wr0ng-pa55word-Zq9x";
    Path wrongFile = tmp.resolve("wrong.txt");
    TestRepo.write(wrongFile, wrong.getBytes(StandardCharsets.UTF_8));

    Cli.Result r =
        Cli.run("snapshots", "--repo", repo.url, "--password-file", wrongFile.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(4);
    assertThat(r.stderr()).containsIgnoringCase("wrong password");
    assertThat(r.output()).doesNotContain(wrong).doesNotContain(repo.password);
  }

  @Test
  void missingRepositoryPathIsExitCode5AndSaysHowToCreateOne() {
    String url = tmp.resolve("does-not-exist").toUri().toString();

    Cli.Result r = Cli.run("snapshots", "--repo", url, "--password-file", passwordFile());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(5);
    assertThat(r.stderr()).contains("arca init");
  }

  @Test
  void folderThatIsNotARepositoryIsExitCode5AndStaysEmpty() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path source = Files.createDirectories(tmp.resolve("data"));

    Cli.Result r =
        Cli.run(
            "backup",
            "--repo",
            empty.toUri().toString(),
            "--password-file",
            passwordFile(),
            source.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(5);
    assertThat(r.stderr()).contains("arca init");
    try (var s = Files.list(empty)) {
      assertThat(s).as("nothing written into a folder that is not a repository").isEmpty();
    }
  }

  /**
   * README: "--json on every command prints exactly one JSON object on stdout, also on failure
   * ({"ok":false,"error":...,"exitCode":N})". Failures raised while a command runs.
   */
  @Test
  void failureWithJsonPrintsOneErrorObject() {
    TestRepo repo = new TestRepo(tmp).init();
    String missing = tmp.resolve("does-not-exist").toUri().toString();
    Path wrongFile = tmp.resolve("wrong.txt");
    TestRepo.write(wrongFile, "Wr0ng-pa55word-Zq9x".getBytes(StandardCharsets.UTF_8));

    assertJsonError(
        Cli.run("snapshots", "--json", "--repo", missing, "--password-file", passwordFile()),
        5,
        "arca init");
    assertJsonError(
        Cli.run("snapshots", "--json", "--repo", repo.url, "--password-file", wrongFile.toString()),
        4,
        "wrong password");
    assertJsonError(repo.cli("ls", "--json", "0000000000000000deadbeef"), 2, "deadbeef");
    assertJsonError(repo.cli("init", "--json", "--kdf-cost", "1024"), 1, "already exists");
  }

  /** The same contract for errors picocli finds while parsing the arguments. */
  @Test
  void usageErrorWithJsonStillPrintsOneErrorObject() {
    TestRepo repo = new TestRepo(tmp).init();

    assertJsonError(repo.cli("restore", "latest", "--json"), 2, "--target");
  }

  @Test
  void initTwiceFailsAndKeepsTheRepository() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();

    Cli.Result again = repo.cli("init", "--kdf-cost", "1024");

    assertThat(again.exitCode()).as("%s", again).isEqualTo(1);
    assertThat(again.stderr()).contains("already exists");
    assertThat(repo.json("snapshots").get("snapshots")).hasSize(1);
  }

  @Test
  void relativeRepositoryUrlIsUsageError() {
    Cli.Result r =
        Cli.run("snapshots", "--repo", "file://relative/path", "--password-file", passwordFile());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("file:///");
  }

  private static void assertJsonError(Cli.Result r, int exitCode, String mentions) {
    assertThat(r.exitCode()).as("%s", r).isEqualTo(exitCode);
    JsonNode err = r.json();
    assertThat(Cli.fieldNames(err)).as("%s", r).contains("ok", "error", "exitCode");
    assertThat(err.get("ok").isBoolean()).as("%s", r).isTrue();
    assertThat(err.get("ok").asBoolean()).as("%s", r).isFalse();
    assertThat(err.get("exitCode").asInt()).as("%s", r).isEqualTo(exitCode);
    assertThat(err.get("error").asText()).as("%s", r).containsIgnoringCase(mentions);
  }

  private String passwordFile() {
    Path pw = tmp.resolve("pw");
    TestRepo.write(pw, "some-password".getBytes(StandardCharsets.UTF_8));
    return pw.toString();
  }
}
