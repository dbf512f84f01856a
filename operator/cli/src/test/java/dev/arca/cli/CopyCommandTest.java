package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arca copy}: the command's contract, its target's environment and its exit codes. */
class CopyCommandTest {
  @TempDir Path tmp;

  @Test
  void copiesIntoARepositoryWithItsOwnPasswordAndFindsTheCopyNextTime() throws Exception {
    TestRepo from = new TestRepo(tmp.resolve("a")).init();
    TestRepo to = new TestRepo(tmp.resolve("b")).init();
    Map<String, byte[]> files = from.writeTree();
    String id = from.backup().get("snapshotId").asText();

    JsonNode r =
        from.json("copy", "--to", to.url, "--to-password-file", to.passwordFile.toString());
    JsonNode c = r.get("snapshots").get(0);
    assertThat(c.get("outcome").asText()).isEqualTo("copied");
    assertThat(c.get("sourceId").asText()).isEqualTo(id);
    assertThat(c.get("filesRead").asLong()).isEqualTo(files.size());

    Path out = tmp.resolve("restored");
    assertThat(to.cli("restore", "latest", "--target", out.toString()).exitCode()).isZero();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertThat(Files.readAllBytes(out.resolve(f.getKey()))).isEqualTo(f.getValue());
    }

    Cli.Result again =
        from.cli("copy", "--to", to.url, "--to-password-file", to.passwordFile.toString());
    assertThat(again.exitCode()).as("%s", again).isZero();
    assertThat(again.stdout()).contains("present " + id.substring(0, 12)).contains("0 copied");
  }

  @Test
  void theTargetTakesItsSettingsFromArcaToVariablesAndInitIsOnRequest() {
    TestRepo from = new TestRepo(tmp.resolve("a")).init();
    from.writeTree();
    from.backup();
    String target = tmp.resolve("b").toUri().toString();
    Map<String, String> env =
        Map.of(
            "ARCA_REPO",
            from.url,
            "ARCA_PASSWORD",
            from.password,
            "ARCA_TO_REPO",
            target,
            "ARCA_TO_PASSWORD",
            "the target's own password");
    Cli.Result missing = Cli.exec(env, "copy");
    assertThat(missing.exitCode()).as("%s", missing).isNotZero();
    assertThat(missing.stderr()).contains("arca init");

    Cli.Result r = Cli.exec(env, "copy", "--init", "--json");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.json().get("snapshots").get(0).get("outcome").asText()).isEqualTo("copied");
    assertThat(r.output()).doesNotContain(from.password).doesNotContain("own password");

    Cli.Result wrong =
        Cli.exec(Map.of("ARCA_REPO", target, "ARCA_PASSWORD", from.password), "snapshots");
    assertThat(wrong.exitCode())
        .as("%s", wrong)
        .isNotZero(); // the source's password: not the target's
    Cli.Result list =
        Cli.exec(
            Map.of("ARCA_REPO", target, "ARCA_PASSWORD", "the target's own password"), "snapshots");
    assertThat(list.exitCode()).as("%s", list).isZero();
  }

  @Test
  void damageInTheSourceExitsThreeAndNamesTheFile() {
    TestRepo from = new TestRepo(tmp.resolve("a")).init();
    TestRepo to = new TestRepo(tmp.resolve("b")).init();
    from.writeTree();
    from.backup();
    for (Path pack : from.packs()) {
      TestRepo.flip(pack);
    }
    Cli.Result r =
        from.cli("copy", "--to", to.url, "--to-password-file", to.passwordFile.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    assertThat(r.stdout()).contains("FAILED").contains("0 copied");
  }

  @Test
  void aTargetCredentialGroupIsTakenWholeFromArcaToVariables() {
    Map<String, String> env =
        Map.of(
            "AWS_ACCESS_KEY_ID", "source-id",
            "AWS_SECRET_ACCESS_KEY", "source-secret",
            "AWS_SESSION_TOKEN", "source-token",
            "AWS_ENDPOINT_URL", "http://127.0.0.1:9000",
            "ARCA_TO_AWS_ACCESS_KEY_ID", "target-id",
            "ARCA_TO_AWS_SECRET_ACCESS_KEY", "target-secret",
            "AZURE_STORAGE_KEY", "shared",
            "ARCA_PASSWORD", "source password",
            "ARCA_TO_PASSWORD", "target password");
    Map<String, String> t = TargetEnv.of(env);
    assertThat(t)
        .containsEntry("AWS_ACCESS_KEY_ID", "target-id")
        .containsEntry("AWS_SECRET_ACCESS_KEY", "target-secret")
        .doesNotContainKey("AWS_SESSION_TOKEN")
        .containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
        .containsEntry("AZURE_STORAGE_KEY", "shared")
        .containsEntry("ARCA_PASSWORD", "target password");
    // a lock describes the repository it is set for: the source's never locks the target
    assertThat(TargetEnv.of(Map.of("ARCA_OBJECT_LOCK", "COMPLIANCE:30")))
        .doesNotContainKey("ARCA_OBJECT_LOCK");
    assertThat(
            TargetEnv.of(
                Map.of("ARCA_OBJECT_LOCK", "COMPLIANCE:30", "ARCA_TO_OBJECT_LOCK", "GOVERNANCE:7")))
        .containsEntry("ARCA_OBJECT_LOCK", "GOVERNANCE:7");
  }
}
