package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets come from ARCA_PASSWORD or --password-file, and never show up in any output. */
class SecretsTest {
  @TempDir Path tmp;

  @Test
  void environmentPasswordAndRepoWorkAndThePasswordIsNeverPrinted() {
    String secret = "Sekr1t-" + Long.toHexString(System.nanoTime()) + "-horse-battery";
    String wrongSecret = "Wr0ng-" + Long.toHexString(System.nanoTime()) + "-staple";
    TestRepo repo = new TestRepo(tmp, secret);
    repo.writeTree();
    Map<String, String> env = Map.of("ARCA_PASSWORD", secret, "ARCA_REPO", repo.url);
    List<Cli.Result> all = new ArrayList<>();

    Cli.Result init = Cli.exec(env, "init", "--kdf-cost", "1024");
    all.add(init);
    Cli.Result backup = Cli.exec(env, "backup", "--json", repo.source.toString());
    all.add(backup);
    Cli.Result snapshots = Cli.exec(env, "snapshots", "--json");
    all.add(snapshots);
    Cli.Result noRepo =
        Cli.exec(
            Map.of(
                "ARCA_PASSWORD", secret, "ARCA_REPO", tmp.resolve("elsewhere").toUri().toString()),
            "snapshots");
    all.add(noRepo);
    Cli.Result wrong =
        Cli.exec(Map.of("ARCA_PASSWORD", wrongSecret, "ARCA_REPO", repo.url), "snapshots");
    all.add(wrong);

    assertThat(init.exitCode()).as("%s", init).isZero();
    assertThat(repo.repoDir.resolve("config")).exists();
    assertThat(backup.exitCode()).as("%s", backup).isZero();
    String id = backup.json().get("snapshotId").asText();
    assertThat(snapshots.exitCode()).as("%s", snapshots).isZero();
    JsonNode list = snapshots.json().get("snapshots");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("id").asText()).isEqualTo(id);
    assertThat(noRepo.exitCode()).as("%s", noRepo).isEqualTo(5);
    assertThat(wrong.exitCode()).as("%s", wrong).isEqualTo(4);
    assertThat(wrong.stderr()).containsIgnoringCase("wrong password");
    for (Cli.Result r : all) {
      assertThat(r.stdout()).as("stdout of %s", r).doesNotContain(secret, wrongSecret);
      assertThat(r.stderr()).as("stderr of %s", r).doesNotContain(secret, wrongSecret);
    }
    // The same repository opens in-process with the password from a file.
    assertThat(repo.json("snapshots").get("snapshots")).hasSize(1);
  }

  @Test
  void oneTrailingLineBreakIsDroppedFromFilesAndVariablesAlike() {
    // the repository is made from a file that ends in a newline (printf 'pw\n' > f)
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();
    Path crlf = tmp.resolve("pw-crlf.txt");
    TestRepo.write(crlf, (repo.password + "\r\n").getBytes(StandardCharsets.UTF_8));
    Path noNewline = tmp.resolve("pw-bare.txt");
    TestRepo.write(noNewline, repo.password.getBytes(StandardCharsets.UTF_8));
    for (Path file : List.of(repo.passwordFile, crlf, noNewline)) {
      Cli.Result r =
          Cli.run("snapshots", "--json", "--repo", repo.url, "--password-file", file.toString());
      assertThat(r.exitCode()).as("%s with %s", r, file).isZero();
      assertThat(r.json().get("snapshots")).hasSize(1);
    }
    // what a Job gets from a Secret made with --from-file: the file's bytes, newline included
    for (String value : List.of(repo.password + "\n", repo.password + "\r\n", repo.password)) {
      Cli.Result r =
          Cli.exec(Map.of("ARCA_PASSWORD", value, "ARCA_REPO", repo.url), "snapshots", "--json");
      assertThat(r.exitCode()).as("%s", r).isZero();
      assertThat(r.json().get("snapshots")).hasSize(1);
    }
    // only one line break goes: a second one is part of the (wrong) password
    Cli.Result twice =
        Cli.exec(
            Map.of("ARCA_PASSWORD", repo.password + "\n\n", "ARCA_REPO", repo.url), "snapshots");
    assertThat(twice.exitCode()).as("%s", twice).isEqualTo(2);
    assertThat(twice.stderr())
        .contains("$ARCA_PASSWORD", "line break")
        .doesNotContain(repo.password);
  }

  @Test
  void aPasswordOfSeveralLinesIsRefusedWithoutShowingIt() {
    TestRepo repo = new TestRepo(tmp).init();
    Path withMore = tmp.resolve("pw-more.txt");
    TestRepo.write(withMore, (repo.password + "\nsecond line\n").getBytes(StandardCharsets.UTF_8));

    Cli.Result file =
        Cli.run("snapshots", "--repo", repo.url, "--password-file", withMore.toString());
    Cli.Result env =
        Cli.exec(
            Map.of("ARCA_PASSWORD", repo.password + "\nsecond line", "ARCA_REPO", repo.url),
            "snapshots");
    Path newPw = tmp.resolve("new-pw.txt");
    TestRepo.write(newPw, "new\rpassword\n".getBytes(StandardCharsets.UTF_8));
    Cli.Result key = repo.cli("key", "add", "--new-password-file", newPw.toString());

    assertThat(file.exitCode()).as("%s", file).isEqualTo(2);
    assertThat(file.stderr()).contains("--password-file", "pw-more.txt", "one line");
    assertThat(env.exitCode()).as("%s", env).isEqualTo(2);
    assertThat(env.stderr()).contains("$ARCA_PASSWORD", "one line");
    assertThat(key.exitCode()).as("%s", key).isEqualTo(2);
    assertThat(key.stderr()).contains("--new-password-file");
    for (Cli.Result r : List.of(file, env, key)) {
      assertThat(r.output()).doesNotContain(repo.password, "second line", "new\rpassword");
    }
  }

  @Test
  void unreadablePasswordFileIsUsageErrorWithoutSecrets() {
    TestRepo repo = new TestRepo(tmp).init();
    Path missing = tmp.resolve("no-such-password-file");

    Cli.Result r = Cli.run("snapshots", "--repo", repo.url, "--password-file", missing.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("no-such-password-file");
    assertThat(r.output()).doesNotContain(repo.password);
  }

  @Test
  void thereIsNoPasswordFlag() {
    TestRepo repo = new TestRepo(tmp);

    Cli.Result r = Cli.run("init", "--repo", repo.url, "--password", "x", "--kdf-cost", "1024");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(repo.repoDir.resolve("config")).doesNotExist();
  }
}
