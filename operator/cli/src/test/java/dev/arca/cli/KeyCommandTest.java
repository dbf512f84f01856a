package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arca key}: rotating a password without re-encrypting anything. */
class KeyCommandTest {
  @TempDir Path tmp;

  @Test
  void aPasswordIsRotatedByAddingTheNewKeyAndRemovingTheOld() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();
    Path newPw = tmp.resolve("new-password.txt");
    TestRepo.write(newPw, "a brand new password\n".getBytes(StandardCharsets.UTF_8));

    JsonNode added =
        repo.json("key", "add", "--new-password-file", newPw.toString(), "--kdf-cost", "1024");
    String newId = added.get("added").asText();
    JsonNode keys = repo.json("key", "list").get("keys");
    assertThat(keys).hasSize(2);
    String oldId = null;
    for (JsonNode k : keys) {
      if (k.get("current").asBoolean()) {
        oldId = k.get("id").asText();
      }
    }
    assertThat(oldId).isNotNull().isNotEqualTo(newId);

    // The key in use cannot be removed; with the new password the old one can.
    Cli.Result inUse = repo.cli("key", "remove", oldId.substring(0, 10));
    assertThat(inUse.exitCode()).isEqualTo(2);
    assertThat(inUse.stderr()).contains("key in use");
    Cli.Result removed =
        Cli.run(
            "key",
            "remove",
            oldId.substring(0, 10),
            "--repo",
            repo.url,
            "--password-file",
            newPw.toString());
    assertThat(removed.exitCode()).as("%s", removed).isZero();

    // The old password no longer opens the repository; the new one restores everything.
    assertThat(repo.cli("snapshots").exitCode()).isEqualTo(4);
    Cli.Result restore =
        Cli.run(
            "restore",
            "latest",
            "--target",
            tmp.resolve("out").toString(),
            "--repo",
            repo.url,
            "--password-file",
            newPw.toString());
    assertThat(restore.exitCode()).as("%s", restore).isZero();

    // The last key is never removed.
    Cli.Result last =
        Cli.run("key", "remove", newId, "--repo", repo.url, "--password-file", newPw.toString());
    assertThat(last.exitCode()).isEqualTo(2);
    assertThat(last.stderr()).contains("last key");
  }
}
