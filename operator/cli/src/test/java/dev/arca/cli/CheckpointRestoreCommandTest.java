package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca restore --checkpoint latest|STEP [--verify-first]}: exactly one checkpoint's bytes,
 * chosen by step from the newest snapshot holding it; with a data check first, damaged ones are
 * rejected, said so, and the next one restored.
 */
class CheckpointRestoreCommandTest {
  @TempDir Path tmp;

  TestRepo repo;
  TrainingRun run;
  Path target;

  /** Step 200 as first saved, and as saved again by a resumed run. */
  Map<String, String> first200;

  Map<String, String> second200;
  Map<String, String> step300;

  /** {100, 200 first save}, {200 second save, 300}, {300}. */
  String s1;

  String s2;
  String s3;

  @BeforeEach
  void threeSnapshotsOfARun() {
    repo = new TestRepo(tmp).init();
    run = new TrainingRun(repo);
    target = tmp.resolve("restore");
    run.write(100);
    first200 = run.write(200);
    s1 = run.backup();
    run.delete(100);
    second200 = run.write(200, 1);
    step300 = run.write(300);
    s2 = run.backup();
    run.delete(200);
    s3 = run.backup();
    assertThat(second200).isNotEqualTo(first200);
  }

  private Cli.Result restore(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--target";
    all[args.length + 1] = target.toString();
    return repo.cli("restore", all);
  }

  private JsonNode restoreJson(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--json";
    Cli.Result r = restore(all);
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r.json();
  }

  @Test
  void latestRestoresExactlyTheHighestStepFromTheNewestSnapshotHoldingIt() {
    JsonNode r = restoreJson("--checkpoint", "latest");

    assertThat(TrainingRun.digests(target, "")).isEqualTo(step300);
    assertThat(r.get("snapshotId").asText()).isEqualTo(s3);
    assertThat(r.get("checkpoint").toString())
        .isEqualTo(
            "{\"path\":\"src/runs/a/checkpoint-300\",\"step\":300,\"snapshotId\":\"" + s3 + "\"}");
    assertThat(r.get("checkpointsRejected")).isEmpty();
    assertThat(r.get("files").asLong()).isEqualTo(2);
    assertThat(r.get("failures")).isEmpty();
  }

  @Test
  void aStepRestoresItFromTheNewestSnapshotHoldingIt() {
    Cli.Result r = restore("--checkpoint", "200");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(TrainingRun.digests(target, "")).isEqualTo(second200);
    assertThat(r.stdout())
        .startsWith(
            "checkpoint src/runs/a/checkpoint-200 (step 200) of snapshot "
                + s2.substring(0, 12)
                + "\n")
        .contains("restored snapshot " + s2.substring(0, 12) + ": 2 files, 2 written");
  }

  @Test
  void verifyFirstRejectsADamagedLatestCheckpointAndRestoresTheNextLowerStep() {
    run.damage(s3, TrainingRun.path(300) + "/model.safetensors");

    Cli.Result r = restore("--checkpoint", "latest", "--verify-first", "--json");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(TrainingRun.digests(target, "")).isEqualTo(second200);
    JsonNode j = r.json();
    assertThat(j.get("checkpoint").get("snapshotId").asText()).isEqualTo(s2);
    assertThat(j.get("checkpoint").get("step").asLong()).isEqualTo(200);
    JsonNode rejected = j.get("checkpointsRejected");
    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0).get("path").asText()).isEqualTo(TrainingRun.path(300));
    assertThat(rejected.get(0).get("step").asLong()).isEqualTo(300);
    assertThat(rejected.get(0).get("snapshotId").asText()).isEqualTo(s3);
    String reason = rejected.get(0).get("reason").asText();
    assertThat(reason).startsWith("src/runs/a/checkpoint-300/model.safetensors: blob ");
    assertThat(r.stderr())
        .contains(
            "warning: rejected checkpoint src/runs/a/checkpoint-300 (step 300) of snapshot "
                + s3.substring(0, 12)
                + ": "
                + reason
                + "; trying src/runs/a/checkpoint-200 (step 200) of snapshot "
                + s2.substring(0, 12)
                + "\n");
  }

  @Test
  void verifyFirstOnAStepFallsBackToAnOlderSnapshotHoldingThatStep() {
    run.damage(s2, TrainingRun.path(200) + "/model.safetensors");

    JsonNode r = restoreJson("--checkpoint", "200", "--verify-first");

    assertThat(TrainingRun.digests(target, "")).isEqualTo(first200);
    assertThat(r.get("checkpoint").get("snapshotId").asText()).isEqualTo(s1);
    assertThat(r.get("checkpointsRejected").findValuesAsText("snapshotId")).containsExactly(s2);
  }

  @Test
  void whenNoCandidatePassesNothingIsRestoredAndTheErrorNamesEachRejection() {
    run.damage(s3, TrainingRun.path(300) + "/model.safetensors"); // s2 holds the same bytes

    Cli.Result r = restore("--checkpoint", "300", "--verify-first", "--json");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    String error = r.json().get("error").asText();
    assertThat(error)
        .startsWith(
            "no checkpoint of step 300 passed the data check (--verify-first); 2 rejected:"
                + " src/runs/a/checkpoint-300 (step 300) of snapshot "
                + s3.substring(0, 12)
                + ": src/runs/a/checkpoint-300/model.safetensors: blob ")
        .contains("; src/runs/a/checkpoint-300 (step 300) of snapshot " + s2.substring(0, 12))
        .endsWith("; run arca verify --read-data");
    assertThat(TrainingRun.digests(target, "")).isEmpty();
  }

  @Test
  void withoutVerifyFirstTheDamageIsFoundByTheRestoreItself() {
    run.damage(s3, TrainingRun.path(300) + "/model.safetensors");

    Cli.Result r = restore("--checkpoint", "latest");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    assertThat(r.stderr()).contains("not restored: src/runs/a/checkpoint-300/model.safetensors");
  }

  /** Asserts that restoring with {@code args} is a usage error with {@code message}. */
  private void assertUsage(String message, String... args) {
    Cli.Result r = restore(args);
    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("arca: " + message + "\n");
    assertThat(TrainingRun.digests(target, "")).isEmpty();
  }

  @Test
  void aStepNoSnapshotHoldsIsAnErrorThatListsTheStepsThere() {
    assertUsage(
        "no checkpoint of step 250 in "
            + repo.repoDir.toUri()
            + "; the steps recorded there: 100, 200, 300",
        "--checkpoint",
        "250");
  }

  @Test
  void onlySnapshotsTheHostAndTagFiltersSelectAreCandidates() {
    assertUsage(
        "no snapshot in "
            + repo.repoDir.toUri()
            + " selected by --tag team=none records a checkpoint with a step (backups record the"
            + " checkpoints they hold when given --checkpoints GLOB)",
        "--checkpoint",
        "latest",
        "--tag",
        "team=none");
    run.write(400);
    repo.backup("--checkpoints", TrainingRun.GLOB, "--host", "other-trainer");
    String host = repo.json("snapshots").get("snapshots").get(0).get("host").asText();

    JsonNode r = restoreJson("--checkpoint", "latest", "--host", host);

    assertThat(r.get("checkpoint").get("snapshotId").asText()).isEqualTo(s3);
    assertThat(TrainingRun.digests(target, "")).isEqualTo(step300);
  }

  @Test
  void includeLimitsTheCandidatesToTheCheckpointsItSelects() {
    JsonNode r = restoreJson("--checkpoint", "latest", "--include", "src/runs/a/**");
    assertThat(r.get("checkpoint").get("step").asLong()).isEqualTo(300);
    assertThat(TrainingRun.digests(target, "")).isEqualTo(step300);

    Cli.Result other = restore("--checkpoint", "latest", "--include", "other/**");
    assertThat(other.exitCode()).as("%s", other).isEqualTo(2);
    assertThat(other.stderr())
        .contains("under --include other/**")
        .contains("records a checkpoint with a step");
  }

  @Test
  void checkpointCombinedWithAnotherWayToChooseIsAUsageError() {
    String why =
        "--checkpoint chooses the snapshot and the folder to restore itself; it cannot be"
            + " combined with ";
    Map<String[], String> cases =
        Map.of(
            new String[] {"latest", "--checkpoint", "latest"}, "a SNAPSHOT argument",
            new String[] {"--checkpoint", "200", "--before", "2026-01-01T00:00:00Z"}, "--before",
            new String[] {"--checkpoint", "200", "--pipe", "src/a=cat"}, "--pipe");
    cases.forEach((args, what) -> assertUsage(why + what, args));
    assertUsage(
        "--checkpoint must be 'latest' or a step number (0 to 2^63-1), not 'step-200'",
        "--checkpoint",
        "step-200");
    assertUsage("--verify-first needs --checkpoint latest|STEP", "latest", "--verify-first");
    Cli.Result noTarget = repo.cli("restore", "--checkpoint", "latest");
    assertThat(noTarget.exitCode()).as("%s", noTarget).isEqualTo(2);
    assertThat(noTarget.stderr()).contains("arca: --checkpoint needs --target DIR to restore into");
  }
}
