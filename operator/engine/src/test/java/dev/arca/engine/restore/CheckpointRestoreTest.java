package dev.arca.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.checkpoint.CheckpointSpec;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.repo.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CheckpointRestore}: the chosen folder is restored alone, whatever characters its name
 * holds, and a folder listing that cannot be read rejects a checkpoint as damaged data does.
 */
class CheckpointRestoreTest {
  @TempDir Path tmp;

  Path src;
  Repository repo;
  String snapshotId;

  /** Two complete checkpoints whose folder names a glob would confuse: step 300 and step 3. */
  @BeforeEach
  void twoCheckpoints() throws Exception {
    src = tmp.resolve("src");
    for (String name : List.of("checkpoint-[300]", "checkpoint-3")) {
      Path dir = src.resolve("runs/a/" + name);
      Fixtures.safetensors(
          dir.resolve("model.safetensors"), new int[] {3000}, new long[] {name.length()});
      Fixtures.write(dir.resolve("trainer_state.json"), "{\"name\":\"" + name + "\"}");
    }
    Fixtures.write(src.resolve("runs/a/train.log"), "step 300\n");
    repo = Fixtures.repo(tmp.resolve("repo"));
    snapshotId =
        Backup.run(
                repo,
                BackupOptions.of(src)
                    .withCheckpoints(
                        new CheckpointSpec(List.of("src/runs/*/checkpoint-*"), "auto")))
            .snapshotId();
  }

  /** {@link Fixtures#describe} of the source's folder {@code runs/a}, only {@code name} in it. */
  private Map<String, String> source(String name) throws Exception {
    Map<String, String> out = new TreeMap<>(Fixtures.describe(src.resolve("runs/a")));
    out.keySet().removeIf(k -> !k.equals(name) && !k.startsWith(name + "/"));
    return out;
  }

  /** {@link Fixtures#describe} of the restored {@code runs/a}. */
  private static Map<String, String> restored(Path target) throws Exception {
    return Fixtures.describe(target.resolve("src/runs/a"));
  }

  @Test
  void onlyTheChosenFolderIsRestoredThoughItsNameIsAGlob() throws Exception {
    Path target = tmp.resolve("t");

    RestoreReport r = CheckpointRestore.run(repo, RestoreOptions.of(null, target), "latest", false);

    assertThat(r.checkpoint())
        .isEqualTo(
            new RestoreReport.ChosenCheckpoint("src/runs/a/checkpoint-[300]", 300L, snapshotId));
    assertThat(restored(target)).isEqualTo(source("checkpoint-[300]")).hasSize(3);
  }

  @Test
  void aCheckpointWhoseListingIsDamagedIsRejectedAndTheNextOneRestored() throws Exception {
    BlobIndex.Location tree = Fixtures.folderTree(repo, snapshotId, "src/runs/a/checkpoint-[300]");
    Fixtures.flipByte(tmp.resolve("repo").resolve(tree.packKey()), tree.offset() + 20);
    List<String> warnings = new CopyOnWriteArrayList<>();
    Path target = tmp.resolve("t");

    RestoreReport r =
        CheckpointRestore.run(
            repo,
            RestoreOptions.of(null, target).withProgress(Fixtures.warningsTo(warnings)),
            "latest",
            true);

    assertThat(r.checkpoint().path()).isEqualTo("src/runs/a/checkpoint-3");
    assertThat(restored(target)).isEqualTo(source("checkpoint-3")).hasSize(3);
    assertThat(r.checkpointsRejected()).hasSize(1);
    String reason = r.checkpointsRejected().get(0).reason();
    assertThat(reason).startsWith("src/runs/a/checkpoint-[300]: folder listing unreadable: ");
    assertThat(warnings)
        .contains(
            "rejected checkpoint src/runs/a/checkpoint-[300] (step 300) of snapshot "
                + snapshotId.substring(0, 12)
                + ": "
                + reason
                + "; trying src/runs/a/checkpoint-3 (step 3) of snapshot "
                + snapshotId.substring(0, 12));
    assertThat(r.failures()).isEmpty();
  }
}
