package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arca forget} and {@code arca prune}: the retention and garbage collection contract. */
class ForgetPruneCommandTest {
  @TempDir Path tmp;

  @Test
  void forgetThenPruneFreesTheSpaceOfForgottenSnapshotsAndTheRestStillRestores() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();
    TestRepo.write(repo.source.resolve("sub/b.bin"), new byte[300_000]);
    TestRepo.write(repo.source.resolve("big.bin"), randomBytes(2_000_000));
    JsonNode second = repo.backup();

    JsonNode dry = repo.json("forget", "--keep-last", "1", "--dry-run");
    assertThat(dry.get("dryRun").asBoolean()).isTrue();
    assertThat(dry.get("removed")).hasSize(1);
    assertThat(repo.json("snapshots").get("snapshots")).hasSize(2);

    JsonNode forget = repo.json("forget", "--keep-last", "1");
    assertThat(forget.get("kept")).hasSize(1);
    assertThat(forget.get("kept").get(0).get("id").asText())
        .isEqualTo(second.get("snapshotId").asText());
    assertThat(forget.get("kept").get(0).get("reasons").get(0).asText()).isEqualTo("last");

    // A fresh repository has nothing old enough for the default 24h grace period.
    JsonNode waiting = repo.json("prune");
    assertThat(waiting.get("markedPacks").asInt()).isZero();
    assertThat(waiting.get("unusedBytes").asLong()).isPositive();

    JsonNode now = repo.json("prune", "--grace", "0");
    assertThat(Cli.fieldNames(now))
        .contains(
            "dryRun",
            "usedBytes",
            "unusedBytes",
            "markedPacks",
            "deletedPacks",
            "reclaimedBytes",
            "pendingPacks",
            "leftoversRemoved");
    assertThat(now.get("deletedPacks").asInt()).isPositive();
    assertThat(now.get("reclaimedBytes").asLong()).isPositive();
    assertThat(now.get("pendingPacks").asInt()).isZero();

    assertThat(repo.json("verify", "--read-data").get("ok").asBoolean()).isTrue();
    Cli.Result r = repo.cli("restore", "latest", "--target", tmp.resolve("out").toString());
    assertThat(r.exitCode()).as("%s", r).isZero();
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new java.util.Random(9).nextBytes(b);
    return b;
  }

  @Test
  void badRetentionAndGraceArgumentsAreUsageErrors() {
    TestRepo repo = new TestRepo(tmp).init();
    Cli.Result none = repo.cli("forget");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.stderr()).contains("at least one rule");
    Cli.Result grace = repo.cli("prune", "--grace", "soon");
    assertThat(grace.exitCode()).isEqualTo(2);
    assertThat(grace.stderr()).contains("--grace 'soon' is not a duration");
    Cli.Result pct = repo.cli("prune", "--max-unused", "150");
    assertThat(pct.exitCode()).isEqualTo(2);
    assertThat(pct.stderr()).contains("--max-unused");
  }
}
