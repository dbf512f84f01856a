package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca backup --init-if-missing}: creates a repository where there is none, and never where
 * one could not be read.
 */
class InitIfMissingTest {
  @TempDir Path tmp;

  @Test
  void createsTheRepositoryWhenThereIsNoneAndBacksUpIntoIt() {
    TestRepo repo = new TestRepo(tmp);
    repo.writeTree();

    JsonNode b = repo.backup("--init-if-missing");

    assertThat(b.get("repositoryInitialized").asBoolean()).isTrue();
    assertThat(b.get("mode").asText()).isEqualTo("full");
    assertThat(repo.repoDir.resolve("config")).isRegularFile();
    assertThat(repo.json("snapshots").toString()).contains(b.get("snapshotId").asText());
    Cli.Result text = repo.cli("backup", "--init-if-missing", repo.source.toString());
    assertThat(text.exitCode()).as("%s", text).isZero();
    assertThat(text.stdout()).doesNotContain("created");
  }

  @Test
  void saysInTextWhenItCreatedOne() {
    TestRepo repo = new TestRepo(tmp);
    repo.writeTree();

    Cli.Result r = repo.cli("backup", "--init-if-missing", repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).startsWith("created encrypted repository ").contains(" at ");
  }

  @Test
  void leavesAnExistingRepositoryAsItIs() {
    TestRepo repo = existing();
    byte[] config = TestRepo.read(repo.repoDir.resolve("config"));

    JsonNode b = repo.backup("--init-if-missing");

    assertThat(b.get("repositoryInitialized").asBoolean()).isFalse();
    assertUntouched(repo, config);
  }

  @Test
  void aWrongPasswordFailsAndCreatesNothing() {
    TestRepo repo = existing();
    byte[] config = TestRepo.read(repo.repoDir.resolve("config"));
    Path wrong = tmp.resolve("wrong.txt");
    TestRepo.write(wrong, "not the password\n".getBytes(StandardCharsets.UTF_8));

    Cli.Result r =
        Cli.run(
            "backup",
            "--init-if-missing",
            "--repo",
            repo.url,
            "--password-file",
            wrong.toString(),
            repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(4);
    assertThat(r.stderr()).containsIgnoringCase("wrong password");
    assertUntouched(repo, config);
  }

  @Test
  void aDamagedConfigFailsAndIsNotReplaced() {
    TestRepo repo = existing();
    byte[] damaged = "{\"format\": \"arca\", \"vers".getBytes(StandardCharsets.UTF_8);
    TestRepo.write(repo.repoDir.resolve("config"), damaged);

    Cli.Result r = repo.cli("backup", "--init-if-missing", repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isNotZero();
    assertThat(r.stderr()).contains("cannot read the repository config at");
    assertUntouched(repo, damaged);
  }

  @Test
  void aRepositoryWhoseConfigIsGoneIsNotCreatedAgain() throws Exception {
    TestRepo repo = existing();
    repo.backup();
    Files.delete(repo.repoDir.resolve("config"));

    Cli.Result r = repo.cli("backup", "--init-if-missing", repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(5);
    assertThat(r.stderr())
        .contains("no repository config at")
        .contains("not creating a new repository over them");
    assertThat(repo.repoDir.resolve("config")).doesNotExist();
  }

  @Test
  void withoutTheFlagAMissingRepositoryStillFails() {
    TestRepo repo = new TestRepo(tmp);
    repo.writeTree();

    Cli.Result r = repo.cli("backup", repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(5);
    assertThat(r.stderr()).contains("no Arca repository at");
    assertThat(repo.repoDir).doesNotExist();
  }

  /** An initialised repository and a source tree to back up. */
  private TestRepo existing() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    return repo;
  }

  /** The repository still has this config and its one key slot: nothing was created. */
  private static void assertUntouched(TestRepo repo, byte[] config) {
    assertThat(TestRepo.read(repo.repoDir.resolve("config"))).isEqualTo(config);
    assertThat(TestRepo.objects(repo.repoDir.resolve("keys"))).hasSize(1);
  }
}
