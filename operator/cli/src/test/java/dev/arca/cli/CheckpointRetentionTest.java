package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca forget --keep-checkpoints N --keep-checkpoint-every K}: the snapshots holding the
 * newest steps and every Kth step stay, each with the step it is kept for; the rest go.
 */
class CheckpointRetentionTest {
  @TempDir Path tmp;

  @Test
  void theNewestSnapshotOfEachKeptStepStaysAndTheDryRunSaysForWhichStep() {
    TestRepo repo = new TestRepo(tmp).init();
    TrainingRun run = new TrainingRun(repo);
    run.write(50);
    String none = repo.backup().get("snapshotId").asText(); // without --checkpoints: records none
    String s50 = run.backup();
    run.write(100);
    String s50and100 = run.backup();
    run.delete(50);
    run.write(150);
    String s100and150 = run.backup();
    run.delete(100);
    run.write(200);
    String s150and200 = run.backup();
    run.delete(150);
    run.write(250);
    String s200and250 = run.backup();

    String[] rules = {"--keep-checkpoints", "2", "--keep-checkpoint-every", "100"};
    JsonNode dry = repo.json("forget", with(rules, "--dry-run"));

    Map<String, List<String>> kept = new TreeMap<>();
    for (JsonNode k : dry.get("kept")) {
      List<String> reasons = new java.util.ArrayList<>();
      k.get("reasons").forEach(r -> reasons.add(r.asText()));
      kept.put(k.get("id").asText(), reasons);
    }
    assertThat(kept)
        .containsOnly(
            Map.entry(
                s200and250,
                List.of("checkpoint 250", "checkpoint 200", "checkpoint 200 (every 100)")),
            Map.entry(s100and150, List.of("checkpoint 100 (every 100)")));
    assertThat(dry.get("removed").findValuesAsText("id"))
        .containsExactlyInAnyOrder(none, s50, s50and100, s150and200);

    Cli.Result human = repo.cli("forget", with(rules, "--dry-run"));
    assertThat(human.exitCode()).as("%s", human).isZero();
    assertThat(human.stdout())
        .contains("keep   " + s100and150.substring(0, 12))
        .contains("(checkpoint 100 (every 100))")
        .contains("remove " + s150and200.substring(0, 12))
        .contains("would remove 4 snapshots, kept 2");
    assertThat(repo.json("snapshots").get("snapshots")).hasSize(6);

    repo.json("forget", rules);
    assertThat(repo.json("snapshots").get("snapshots").findValuesAsText("id"))
        .containsExactly(s100and150, s200and250);
  }

  private static String[] with(String[] args, String more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = more;
    return all;
  }

  @Test
  void negativeCheckpointCountsAreUsageErrors() {
    TestRepo repo = new TestRepo(tmp).init();
    Cli.Result r = repo.cli("forget", "--keep-checkpoint-every", "-100");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("--keep-* counts must not be negative");
  }
}
