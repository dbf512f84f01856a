package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.Checkpoint;
import dev.arca.engine.Fixtures;
import dev.arca.engine.checkpoint.CheckpointSpec;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups racing a trainer that writes its checkpoints slowly, as trainers do: shard by shard (each
 * shard's header and first half, then the rest), the shard index, then the Trainer's state file
 * last. Every backup runs at a moment the writer chose to pause at, so each stage of a checkpoint
 * being written is met by a backup. No snapshot ever holds an incomplete checkpoint folder: each
 * one it holds restores byte for byte as the trainer finished it, and its recorded checkpoints are
 * exactly those folders.
 */
class TornCheckpointTest {
  @TempDir Path tmp;

  private static final int STEPS = 3;
  private static final int SHARDS = 2;

  /** The trainer: writes checkpoint-100 .. -300, pausing for a backup after each write. */
  private static Map<String, String> train(Path run, Semaphore backupDue, Semaphore backupDone)
      throws Exception {
    for (int step = 100; step <= STEPS * 100; step += 100) {
      Path dir = run.resolve("checkpoint-" + step);
      for (int s = 1; s <= SHARDS; s++) {
        Path tmpShard = dir.resolve("staging-" + s);
        Fixtures.safetensors(tmpShard, new int[] {3000 + s, 2000}, new long[] {step + s, step});
        byte[] whole = Files.readAllBytes(tmpShard);
        Files.delete(tmpShard);
        Path shard = dir.resolve(String.format("model-%05d-of-%05d.safetensors", s, SHARDS));
        Files.write(shard, java.util.Arrays.copyOf(whole, whole.length / 2)); // a torn shard
        pause(backupDue, backupDone);
        Files.write(shard, whole);
        pause(backupDue, backupDone);
      }
      StringBuilder map = new StringBuilder("{\"weight_map\":{");
      for (int s = 1; s <= SHARDS; s++) {
        map.append(s > 1 ? "," : "")
            .append("\"t")
            .append(s)
            .append("\":\"")
            .append(String.format("model-%05d-of-%05d.safetensors", s, SHARDS))
            .append('"');
      }
      Fixtures.write(dir.resolve("model.safetensors.index.json"), map.append("}}").toString());
      pause(backupDue, backupDone);
      Fixtures.write(dir.resolve("trainer_state.json"), "{\"global_step\":" + step + "}");
      pause(backupDue, backupDone);
    }
    return Fixtures.describe(run);
  }

  /** Lets one backup run now, and waits until it has. */
  private static void pause(Semaphore backupDue, Semaphore backupDone) throws Exception {
    backupDue.release();
    assertThat(backupDone.tryAcquire(60, TimeUnit.SECONDS)).as("the backup ran").isTrue();
  }

  @Test
  void noSnapshotEverHoldsAHalfWrittenCheckpoint() throws Exception {
    Path src = tmp.resolve("src");
    Path run = Files.createDirectories(src.resolve("runs/a"));
    Fixtures.write(src.resolve("notes.txt"), "a run");
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    BackupOptions opts =
        BackupOptions.of(src)
            .withCheckpoints(new CheckpointSpec(List.of("src/runs/*/checkpoint-*"), "auto"));
    Semaphore due = new Semaphore(0);
    Semaphore done = new Semaphore(0);
    CompletableFuture<Map<String, String>> trainer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return train(run, due, done);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    List<BackupReport> reports = new ArrayList<>();
    while (!trainer.isDone() || due.availablePermits() > 0) {
      if (due.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        reports.add(Backup.run(repo, opts));
        done.release();
      }
    }
    Map<String, String> finished = trainer.get();
    int stages = STEPS * (SHARDS * 2 + 2);
    assertThat(reports).hasSize(stages);
    assertThat(reports).filteredOn(r -> !r.checkpointsSkipped().isEmpty()).hasSize(STEPS * 5);

    for (BackupReport r : reports) {
      Path target = tmp.resolve("restore-" + r.snapshotId());
      Restore.run(repo, RestoreOptions.of(r.snapshotId(), target));
      Map<String, String> restored = Fixtures.describe(target.resolve("src/runs/a"));
      List<String> folders = new ArrayList<>();
      restored.keySet().stream().filter(k -> !k.contains("/")).forEach(folders::add);
      for (String folder : folders) {
        assertThat(under(restored, folder))
            .as("%s in snapshot %s", folder, r.snapshotId())
            .isEqualTo(under(finished, folder));
      }
      assertThat(r.checkpoints())
          .extracting(Checkpoint::path)
          .containsExactlyElementsOf(folders.stream().map(f -> "src/runs/a/" + f).toList());
    }
    assertThat(reports.get(reports.size() - 1).checkpoints()).hasSize(STEPS);
  }

  /**
   * The walk lists folders ahead of its position; a checkpoint folder listed so before its marker
   * was written and judged after is listed again: found on the real node, where a snapshot held a
   * checkpoint folder without the {@code trainer_state.json} its judgement had seen. Here the
   * marker appears while the walk reads the folder before it (64 files, more than it reads at
   * once), after the checkpoint's listing was read ahead.
   */
  @Test
  void aCheckpointListedBeforeItsMarkerAppearedIsListedAgainWhenJudged() throws Exception {
    Path src = tmp.resolve("src");
    Path run = Files.createDirectories(src.resolve("runs/a"));
    for (int i = 0; i < 64; i++) {
      Files.write(
          Files.createDirectories(run.resolve("aaa-data")).resolve("f" + i),
          Fixtures.random(1 << 20, i));
    }
    Path dir = run.resolve("checkpoint-300");
    Fixtures.safetensors(
        dir.resolve("model-00001-of-00001.safetensors"), new int[] {3000}, new long[] {1});
    Fixtures.write(
        dir.resolve("model.safetensors.index.json"),
        "{\"weight_map\":{\"t1\":\"model-00001-of-00001.safetensors\"}}");
    Path marker = dir.resolve("trainer_state.json");
    java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
    dev.arca.engine.Progress writesTheMarker =
        new dev.arca.engine.Progress() {
          @Override
          public void bytes(long n) {
            if (read.getAndAdd(n) < (4 << 20) && read.get() >= (4 << 20)) {
              try {
                Fixtures.write(marker, "{\"global_step\":300}");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          }
        };
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    BackupReport r =
        Backup.run(
            repo,
            BackupOptions.of(src)
                .withCheckpoints(new CheckpointSpec(List.of("src/runs/*/checkpoint-*"), "auto"))
                .withProgress(writesTheMarker));

    assertThat(r.checkpointsSkipped()).as("judged after the marker was written").isEmpty();
    assertThat(r.checkpoints())
        .extracting(Checkpoint::path)
        .containsExactly("src/runs/a/checkpoint-300");
    Path target = tmp.resolve("restored");
    Restore.run(repo, RestoreOptions.of(r.snapshotId(), target));
    assertThat(Fixtures.describe(target.resolve("src/runs/a/checkpoint-300")))
        .as("the checkpoint as its judgement saw it")
        .isEqualTo(Fixtures.describe(dir));
  }

  /** The entries of {@code tree} at or below {@code folder}. */
  private static Map<String, String> under(Map<String, String> tree, String folder)
      throws IOException {
    Map<String, String> out = new TreeMap<>();
    tree.forEach(
        (k, v) -> {
          if (k.equals(folder) || k.startsWith(folder + "/")) {
            out.put(k, v);
          }
        });
    return out;
  }
}
