package dev.arca.engine.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Crafted;
import dev.arca.engine.format.Checkpoint;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repaired snapshot lists only the checkpoints whose folders the repair left whole. */
class RepairCheckpointsTest {
  @Test
  void aCheckpointThatLostAFileIsNoLongerListed(@TempDir Path tmp) throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    // checkpoint-2 loses optimizer.pt in the repair, checkpoint-1 nothing
    Crafted c = new Crafted(repo);
    Node kept = c.file("model.safetensors", "weights 1".getBytes(StandardCharsets.UTF_8));
    Node good = c.file("model.safetensors", "weights 2".getBytes(StandardCharsets.UTF_8));
    Node lost = // names a chunk the repository does not have
        new Node(
            "optimizer.pt",
            Node.FILE,
            0644,
            0,
            0,
            0,
            0,
            0,
            9,
            good.sha256(),
            List.of("ab".repeat(32)),
            null,
            null);
    Node runs =
        c.dir(
            "runs",
            List.of(
                c.dir("checkpoint-1", List.of(kept)), c.dir("checkpoint-2", List.of(good, lost))));
    String id =
        c.commit(
            List.of(c.dir("src", List.of(runs))),
            null,
            List.of(
                new Checkpoint("src/runs/checkpoint-1", 1L),
                new Checkpoint("src/runs/checkpoint-2", 2L)));

    SnapshotRepair.Result r = SnapshotRepair.run(repo, false, false, Clock.systemUTC(), w -> {});

    assertThat(r.repaired()).hasSize(1);
    assertThat(r.repaired().get(0).id()).isEqualTo(id);
    assertThat(r.repaired().get(0).leftOut()).containsExactly("src/runs/checkpoint-2/optimizer.pt");
    String repaired = r.repaired().get(0).newId();
    assertThat(Snapshots.resolve(repo, repaired, null, w -> {}).snapshot().checkpoints())
        .containsExactly(new Checkpoint("src/runs/checkpoint-1", 1L));
  }
}
