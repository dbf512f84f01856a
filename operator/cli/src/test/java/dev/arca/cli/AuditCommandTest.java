package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail: every backup, restore, pipe, export, forget, rewrite, prune and key change of a
 * session appears in {@code arca audit} in order, with its snapshots, outcome and requester; a
 * failed restore is recorded as failed; dry runs are not recorded; {@code --since} narrows the
 * list; and a damaged record is named without hiding the others.
 */
class AuditCommandTest {
  @TempDir Path tmp;

  @Test
  void everyOperationOfASessionIsListedWithWhoWhatAndOutcome() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    String first = repo.backup().get("snapshotId").asText();
    Files.writeString(repo.source.resolve("a.txt"), "changed\n");
    String second = repo.backup().get("snapshotId").asText();
    repo.json("restore", first, "--target", tmp.resolve("out").toString());
    repo.json("restore", second, "--pipe", "src/a.txt=cat > /dev/null");
    repo.json("export", first, "--output", tmp.resolve("x.tar").toString());
    repo.json("rewrite", "--exclude", "src/empty.txt", "--dry-run"); // not recorded
    JsonNode rewritten = repo.json("rewrite", "--exclude", "src/empty.txt", first);
    repo.json("forget", rewritten.get("snapshots").get(0).get("to").asText());
    repo.json("prune", "--grace", "0");
    Files.writeString(tmp.resolve("new-pw"), "another password\n");
    String key =
        repo.json("key", "add", "--new-password-file", tmp.resolve("new-pw") + "")
            .get("added")
            .asText();
    repo.json("key", "remove", key);
    Cli.Result missing = repo.cli("restore", "ffffffffffff", "--target", tmp.resolve("o2") + "");
    assertThat(missing.exitCode()).isNotZero();
    // run by the operator for someone: the requester comes from its Job's environment
    Cli.Result forSomeone =
        Cli.exec(
            Map.of(
                "ARCA_AUDIT_REQUESTER",
                "user jane@example.com (RestoreRequest ml/get-weights)",
                "ARCA_PASSWORD",
                repo.password,
                "PATH",
                System.getenv("PATH")),
            "restore",
            second,
            "--json",
            "--repo",
            repo.url,
            "--target",
            tmp.resolve("o3").toString());
    assertThat(forSomeone.exitCode()).as("%s", forSomeone).isZero();

    JsonNode audit = repo.json("audit");
    List<String> ops = new ArrayList<>();
    audit
        .get("records")
        .forEach(r -> ops.add(r.get("op").asText() + " " + r.get("outcome").asText()));
    assertThat(ops)
        .containsExactly(
            "backup ok",
            "backup ok",
            "restore ok",
            "pipe ok",
            "export ok",
            "rewrite ok",
            "forget ok",
            "prune ok",
            "key-add ok",
            "key-remove ok",
            "restore failed",
            "restore ok");
    JsonNode records = audit.get("records");
    assertThat(records.get(2).get("snapshots").get(0).asText()).isEqualTo(first);
    assertThat(records.get(2).get("paths").toString()).contains("target " + tmp.resolve("out"));
    assertThat(records.get(3).get("paths").toString()).contains("pipe src/a.txt");
    assertThat(records.get(5).get("snapshots")).hasSize(2); // the original and its rewrite
    assertThat(records.get(5).toString()).doesNotContain("empty.txt"); // what was erased
    assertThat(records.get(10).get("message").asText()).contains("ffffffffffff");
    assertThat(records.get(11).get("requester").asText())
        .isEqualTo("user jane@example.com (RestoreRequest ml/get-weights)");
    assertThat(records.get(0).get("user").asText()).isEqualTo(System.getProperty("user.name"));
    assertThat(records.get(0).get("requester").isNull()).isTrue();

    String since = records.get(9).get("time").asText();
    JsonNode later = repo.json("audit", "--since", since);
    assertThat(later.get("records")).hasSize(3);
  }

  @Test
  void aDamagedRecordIsNamedAndTheOthersAreListed() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();
    Path dir = repo.repoDir.resolve("audit");
    Path one;
    try (var s = Files.list(dir)) {
      one = s.findFirst().orElseThrow();
    }
    Files.write(dir.resolve("ab".repeat(32)), new byte[] {1, 2, 3});
    Cli.Result r = repo.cli("audit", "--json");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.json().get("records")).hasSize(1);
    assertThat(r.json().get("unreadable").has("audit/" + "ab".repeat(32))).isTrue();
    assertThat(one).exists();
  }
}
