package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.samples.ModelShape;
import dev.arca.samples.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca backup --checkpoints}: whole checkpoints stored and recorded, incomplete ones left
 * out and reported; {@code arca snapshots} and {@code arca ls} show the recorded steps.
 */
class CheckpointCommandTest {
  @TempDir Path tmp;
  TestRepo repo;

  static final String REASON =
      "no completion marker of a known writer (trainer_state.json, DeepSpeed latest, .metadata)";

  @BeforeEach
  void setUp() throws IOException {
    repo = new TestRepo(tmp).init();
    Path runs = repo.source.resolve("runs/a");
    for (String step : List.of("100", "200")) {
      Safetensors.write(
          runs.resolve("checkpoint-" + step + "/model.safetensors"),
          List.of(new ModelShape.Tensor("w", new long[] {64, 64}, 0)),
          new long[] {Long.parseLong(step)},
          Safetensors.PT);
    }
    TestRepo.write(runs.resolve("checkpoint-100/trainer_state.json"), "{}".getBytes());
    TestRepo.write(runs.resolve("train.log"), "step 200\n".getBytes());
  }

  private JsonNode backup() {
    return repo.backup("--checkpoints", "src/runs/*/checkpoint-*");
  }

  @Test
  void backupJsonListsTheCheckpointsStoredAndThoseLeftOut() {
    Cli.Result r =
        repo.cli(
            "backup", "--checkpoints", "src/runs/*/checkpoint-*", "--json", repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isZero();
    JsonNode b = r.json();
    assertThat(b.get("checkpoints").toString())
        .isEqualTo("[{\"path\":\"src/runs/a/checkpoint-100\",\"step\":100}]");
    assertThat(b.get("checkpointsSkipped").toString())
        .isEqualTo("[{\"path\":\"src/runs/a/checkpoint-200\",\"reason\":\"" + REASON + "\"}]");
    assertThat(r.stderr())
        .contains(
            "warning: src/runs/a/checkpoint-200: checkpoint left out of this snapshot: " + REASON);
    JsonNode ls = repo.json("ls", "latest");
    assertThat(ls.get("entries").findValuesAsText("path"))
        .contains("src/runs/a/checkpoint-100/model.safetensors", "src/runs/a/train.log")
        .noneMatch(p -> p.startsWith("src/runs/a/checkpoint-200"));
  }

  @Test
  void humanBackupOutputCountsThem() {
    Cli.Result r =
        repo.cli("backup", "--checkpoints", "src/runs/*/checkpoint-*", repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).contains("1 checkpoints stored (steps 100), 1 left out (see warnings)");
  }

  @Test
  void snapshotsShowTheStepsOfEachSnapshot() {
    repo.backup(); // without --checkpoints: records none
    String id = backup().get("snapshotId").asText();

    JsonNode list = repo.json("snapshots").get("snapshots");
    assertThat(list.get(0).get("checkpoints")).isEmpty();
    assertThat(list.get(1).get("id").asText()).isEqualTo(id);
    assertThat(list.get(1).get("checkpoints").toString())
        .isEqualTo("[{\"path\":\"src/runs/a/checkpoint-100\",\"step\":100}]");

    Cli.Result table = repo.cli("snapshots");
    assertThat(table.exitCode()).as("%s", table).isZero();
    List<String> lines = table.stdout().lines().toList();
    assertThat(lines.get(0)).contains("CHECKPOINTS");
    assertThat(lines.get(1)).contains("  -  ");
    assertThat(lines.get(2)).startsWith(id.substring(0, 12)).contains("steps 100");
  }

  @Test
  void lsMarksCheckpointFoldersAndListsThemAlone() {
    backup();

    JsonNode ls = repo.json("ls", "latest", "src/runs");
    JsonNode ckpt = null;
    for (JsonNode e : ls.get("entries")) {
      if (e.get("path").asText().equals("src/runs/a/checkpoint-100")) {
        ckpt = e;
      } else {
        assertThat(e.has("checkpoint")).as("%s", e).isFalse();
      }
    }
    assertThat(ckpt).isNotNull();
    assertThat(ckpt.get("checkpoint").asBoolean()).isTrue();
    assertThat(ckpt.get("step").asLong()).isEqualTo(100);
    Cli.Result human = repo.cli("ls", "latest", "src/runs");
    assertThat(human.stdout()).contains("src/runs/a/checkpoint-100  [checkpoint, step 100]");

    JsonNode only = repo.json("ls", "latest", "--checkpoints");
    assertThat(only.get("checkpoints").toString())
        .isEqualTo("[{\"path\":\"src/runs/a/checkpoint-100\",\"step\":100}]");
    Cli.Result onlyHuman = repo.cli("ls", "latest", "--checkpoints");
    assertThat(onlyHuman.stdout().strip()).isEqualTo("100  src/runs/a/checkpoint-100");
  }

  @Test
  void aMarkerWithoutGlobsOrNotAFileNameIsAUsageError() {
    Cli.Result alone = repo.cli("backup", "--checkpoint-complete", "DONE", repo.source.toString());
    assertThat(alone.exitCode()).as("%s", alone).isEqualTo(2);
    assertThat(alone.stderr()).contains("--checkpoint-complete needs --checkpoints GLOB");
    Cli.Result bad =
        repo.cli(
            "backup",
            "--checkpoints",
            "src/runs/*/checkpoint-*",
            "--checkpoint-complete",
            "a/DONE",
            repo.source.toString());
    assertThat(bad.exitCode()).as("%s", bad).isEqualTo(2);
    assertThat(bad.stderr()).contains("--checkpoint-complete 'a/DONE' is neither 'auto'");
    assertThat(repo.json("snapshots").get("snapshots")).isEmpty();
  }

  @Test
  void anExplicitMarkerDecides() {
    TestRepo.write(repo.source.resolve("runs/a/checkpoint-200/DONE"), new byte[0]);

    JsonNode b =
        repo.backup("--checkpoints", "src/runs/*/checkpoint-*", "--checkpoint-complete", "DONE");

    assertThat(b.get("checkpoints").findValuesAsText("path"))
        .containsExactly("src/runs/a/checkpoint-200");
    assertThat(b.get("checkpointsSkipped").get(0).get("reason").asText())
        .isEqualTo("no completion marker DONE in it");
  }
}
