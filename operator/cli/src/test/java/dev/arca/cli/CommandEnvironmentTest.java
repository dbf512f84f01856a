package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands of {@code --stream}, {@code --pipe} and {@code rewrite --stream-filter} run without
 * Arca's secrets, whatever they print of their stderr into a message is scrubbed of the password,
 * and their PATH=COMMAND is read one way only.
 */
class CommandEnvironmentTest {
  @TempDir Path tmp;

  private static final String S3_SECRET = "s3-secret-" + Long.toHexString(System.nanoTime());

  private Map<String, String> env(TestRepo repo) {
    return Map.of(
        "ARCA_PASSWORD",
        repo.password,
        "ARCA_REPO",
        repo.url,
        "AWS_ACCESS_KEY_ID",
        "backup-writer",
        "AWS_SECRET_ACCESS_KEY",
        S3_SECRET,
        "PGPASSWORD",
        "the-database-one",
        "PATH",
        System.getenv("PATH"));
  }

  @Test
  void streamCommandsDoNotSeeThePasswordOrTheStoreCredentialsUnlessHandedOn() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    Cli.Result backup =
        Cli.exec(env(repo), "backup", "--json", "--stream", "env/all.txt=env | sort");
    assertThat(backup.exitCode()).as("%s", backup).isZero();
    Cli.Result handed =
        Cli.exec(
            env(repo),
            "backup",
            "--json",
            "--command-env",
            "AWS_ACCESS_KEY_ID",
            "--stream",
            "env/handed.txt=env | sort");
    assertThat(handed.exitCode()).as("%s", handed).isZero();

    Path out = tmp.resolve("restored");
    assertThat(repo.cli("restore", "--target", out.toString()).exitCode()).isZero();
    String all = Files.readString(out.resolve("env/handed.txt"));
    assertThat(all).contains("PGPASSWORD=the-database-one", "AWS_ACCESS_KEY_ID=backup-writer");
    assertThat(all).doesNotContain("ARCA_PASSWORD", repo.password, S3_SECRET);
    repo.cli("restore", backup.json().get("snapshotId").asText(), "--target", out.toString());
    String plain = Files.readString(out.resolve("env/all.txt"));
    assertThat(plain).contains("PGPASSWORD=the-database-one");
    assertThat(plain)
        .doesNotContain("ARCA_PASSWORD", "AWS_ACCESS_KEY_ID", repo.password, S3_SECRET);
  }

  @Test
  void aFailingCommandsStderrIsScrubbedOfThePasswordInTheResult() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    // a command that finds the password some other way and prints it as it fails
    Path leak = tmp.resolve("leak.txt");
    Files.writeString(leak, "password is " + repo.password + " and key " + S3_SECRET + "\n");
    Cli.Result r =
        Cli.exec(
            env(repo), "backup", "--json", "--stream", "db/x.sql=cat " + leak + " >&2; exit 4");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    String error = r.json().get("error").asText();
    assertThat(error).contains("exited with status 4", "password is ***", "key ***");
    assertThat(r.stdout()).doesNotContain(repo.password, S3_SECRET);
  }

  @Test
  void aPathWithAnEqualsSignIsWrittenEscapedAndTheCommandIsNeverCut() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    Cli.Result r =
        Cli.exec(env(repo), "backup", "--json", "--stream", "db/a\\=b.sql=echo hi=there");
    assertThat(r.exitCode()).as("%s", r).isZero();
    Path out = tmp.resolve("restored");
    assertThat(repo.cli("restore", "--target", out.toString()).exitCode()).isZero();
    assertThat(out.resolve("db/a=b.sql")).hasContent("hi=there");
    // and the same file back into a command, named the same way
    Path copy = tmp.resolve("copy.sql");
    Cli.Result pipe =
        Cli.exec(env(repo), "restore", "--json", "--pipe", "db/a\\=b.sql=cat > " + copy);
    assertThat(pipe.exitCode()).as("%s", pipe).isZero();
    assertThat(Files.readString(copy, StandardCharsets.UTF_8)).isEqualTo("hi=there\n");
  }

  @Test
  void rewriteFiltersRunWithoutSecretsAndAFailingOneChangesNothing() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    Cli.Result backup = Cli.exec(env(repo), "backup", "--json", "--stream", "db/x.sql=echo row");
    assertThat(backup.exitCode()).as("%s", backup).isZero();
    Path seen = tmp.resolve("filter-env.txt");
    Cli.Result r =
        Cli.exec(
            env(repo),
            "rewrite",
            "--json",
            "--stream-filter",
            "db/x.sql=env | sort > " + seen + "; sed s/row/ROW/");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(Files.readString(seen))
        .contains("PGPASSWORD=the-database-one")
        .doesNotContain("ARCA_PASSWORD", "AWS_ACCESS_KEY_ID", repo.password, S3_SECRET);
    Path out = tmp.resolve("restored");
    assertThat(repo.cli("restore", "--target", out.toString()).exitCode()).isZero();
    assertThat(out.resolve("db/x.sql")).hasContent("ROW");

    Path leak = tmp.resolve("leak.txt");
    Files.writeString(leak, "password is " + repo.password + "\n");
    String before = repo.cli("snapshots", "--json").stdout();
    Cli.Result failed =
        Cli.exec(
            env(repo),
            "rewrite",
            "--json",
            "--stream-filter",
            "db/x.sql=cat >/dev/null; cat " + leak + " >&2; exit 5");
    assertThat(failed.exitCode()).as("%s", failed).isEqualTo(1);
    assertThat(failed.json().get("error").asText())
        .contains(
            "--stream-filter db/x.sql: the command exited with status 5", "nothing was changed")
        .contains("password is ***");
    assertThat(repo.cli("snapshots", "--json").stdout()).isEqualTo(before);
  }
}
