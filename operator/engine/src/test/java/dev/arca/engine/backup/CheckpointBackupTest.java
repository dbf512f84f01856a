package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.Checkpoint;
import dev.arca.contract.SkippedCheckpoint;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.checkpoint.CheckpointSpec;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup with checkpoint globs stores only whole checkpoints: incomplete folders and folders in
 * which a file changed while read are left out and reported, and the snapshot records the
 * checkpoints it holds with their steps.
 */
class CheckpointBackupTest {
  @TempDir Path tmp;

  private static final String NONE =
      "no completion marker of a known writer (trainer_state.json, DeepSpeed latest, .metadata)";

  private static final CheckpointSpec GLOBS =
      new CheckpointSpec(
          List.of("src/runs/*/checkpoint-*", "src/runs/ds/global_step*", "src/runs/dcp/step-*"),
          "auto");

  /** Two shards, their index, and (if {@code done}) the Trainer's last file. */
  private static void trainerCheckpoint(Path dir, boolean done) throws IOException {
    Fixtures.safetensors(
        dir.resolve("model-00001-of-00002.safetensors"), new int[] {1000, 3000}, new long[] {1, 2});
    Fixtures.safetensors(
        dir.resolve("model-00002-of-00002.safetensors"), new int[] {2000}, new long[] {3});
    Fixtures.write(
        dir.resolve("model.safetensors.index.json"),
        "{\"weight_map\":{\"t0\":\"model-00001-of-00002.safetensors\","
            + "\"t1\":\"model-00001-of-00002.safetensors\","
            + "\"t2\":\"model-00002-of-00002.safetensors\"}}");
    Fixtures.write(dir.resolve("config.json"), "{\"hidden\":64}");
    if (done) {
      Fixtures.write(dir.resolve("trainer_state.json"), "{\"global_step\":1}");
    }
  }

  /** The source tree of the cases; returns the folders the backup must leave out. */
  private static Map<String, String> writeRuns(Path src) throws IOException {
    Path a = src.resolve("runs/a");
    trainerCheckpoint(a.resolve("checkpoint-100"), true);
    trainerCheckpoint(a.resolve("checkpoint-200"), false); // shards written, not yet the state
    Path cut = a.resolve("checkpoint-300");
    trainerCheckpoint(cut, true);
    Path shard = cut.resolve("model-00002-of-00002.safetensors");
    long size = Files.size(shard);
    try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
      ch.truncate(size - 1000);
    }
    Path lost = a.resolve("checkpoint-400");
    trainerCheckpoint(lost, true);
    Files.delete(lost.resolve("model-00002-of-00002.safetensors"));
    Fixtures.write(a.resolve("train.log"), "step 400\n");
    Fixtures.write(a.resolve("notes/plan.txt"), "not a checkpoint");
    Path ds = src.resolve("runs/ds");
    Fixtures.write(ds.resolve("latest"), "global_step10\n");
    Fixtures.write(
        ds.resolve("global_step10/mp_rank_00_model_states.pt"), Fixtures.random(5000, 4));
    Fixtures.write(
        ds.resolve("global_step20/mp_rank_00_model_states.pt"), Fixtures.random(5000, 5));
    Path dcp = src.resolve("runs/dcp");
    Fixtures.write(dcp.resolve("step-5/__0_0.distcp"), Fixtures.random(3000, 6));
    Fixtures.write(dcp.resolve("step-5/.metadata"), "meta");
    Fixtures.write(dcp.resolve("step-6/__0_0.distcp"), Fixtures.random(3000, 7));
    Map<String, String> skipped = new TreeMap<>();
    skipped.put("src/runs/a/checkpoint-200", NONE);
    skipped.put(
        "src/runs/a/checkpoint-300",
        "model-00002-of-00002.safetensors: "
            + (size - 1000)
            + " bytes, but its header describes "
            + size
            + " (cut short or being written)");
    skipped.put(
        "src/runs/a/checkpoint-400",
        "model.safetensors.index.json names shard model-00002-of-00002.safetensors,"
            + " which is not present");
    skipped.put("src/runs/dcp/step-6", NONE);
    skipped.put(
        "src/runs/ds/global_step20",
        NONE + "; DeepSpeed's latest names 'global_step10', not this folder or a later step");
    return skipped;
  }

  /** {@link Fixtures#describe} of {@code root} without what lies at or below {@code left}. */
  private static Map<String, String> describeWithout(Path root, Iterable<String> left)
      throws IOException {
    Map<String, String> d = new TreeMap<>(Fixtures.describe(root));
    for (String l : left) {
      d.keySet().removeIf(k -> k.equals(l) || k.startsWith(l + "/"));
    }
    return d;
  }

  @Test
  void onlyCompleteCheckpointsAreStoredAndTheSkippedOnesAreReported() throws Exception {
    Path src = tmp.resolve("src");
    Map<String, String> skipped = writeRuns(src);
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    List<String> warnings = new CopyOnWriteArrayList<>();

    BackupReport r =
        Backup.run(
            repo,
            BackupOptions.of(src)
                .withCheckpoints(GLOBS)
                .withProgress(Fixtures.warningsTo(warnings)));

    assertThat(r.checkpointsSkipped())
        .containsExactlyElementsOf(
            skipped.entrySet().stream()
                .map(e -> new SkippedCheckpoint(e.getKey(), e.getValue()))
                .toList());
    for (var e : skipped.entrySet()) {
      assertThat(warnings)
          .contains(e.getKey() + ": checkpoint left out of this snapshot: " + e.getValue());
    }
    List<Checkpoint> held =
        List.of(
            new Checkpoint("src/runs/a/checkpoint-100", 100L),
            new Checkpoint("src/runs/dcp/step-5", 5L),
            new Checkpoint("src/runs/ds/global_step10", 10L));
    assertThat(r.checkpoints()).isEqualTo(held);
    assertThat(Snapshots.resolve(repo, r.snapshotId(), null, w -> {}).snapshot().checkpoints())
        .extracting(c -> new Checkpoint(c.path(), c.step()))
        .isEqualTo(held);
    assertThat(r.unreadable()).isEmpty();
    assertThat(r.changedWhileReading()).isZero();
    // 5 files in checkpoint-100, train.log, plan.txt, latest, global_step10's, step-5's two
    assertThat(r.files()).isEqualTo(11);

    Path target = tmp.resolve("restored");
    Restore.run(repo, RestoreOptions.of(r.snapshotId(), target));
    Map<String, String> restored = Fixtures.describe(target.resolve("src"));
    assertThat(restored).isEqualTo(describeWithout(src, relative(skipped.keySet())));
    assertThat(restored).containsKey("runs/a/checkpoint-100/trainer_state.json");
    assertThat(restored).doesNotContainKeys("runs/a/checkpoint-200", "runs/ds/global_step20");
  }

  /** Snapshot paths of the source {@code src} as paths relative to it. */
  private static List<String> relative(Iterable<String> snapshotPaths) {
    List<String> out = new java.util.ArrayList<>();
    snapshotPaths.forEach(p -> out.add(p.substring("src/".length())));
    return out;
  }

  @Test
  void aCheckpointWhoseFileChangesWhileReadIsLeftOutAndTheNextRunTakesIt() throws Exception {
    Path src = tmp.resolve("src");
    Path ckpt = src.resolve("runs/a/checkpoint-500");
    Path shard =
        Fixtures.safetensors(ckpt.resolve("model.safetensors"), new int[] {4000}, new long[] {1});
    Fixtures.write(ckpt.resolve("trainer_state.json"), "{}");
    Fixtures.write(src.resolve("z-notes.txt"), "kept");
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    List<String> warnings = new CopyOnWriteArrayList<>();
    // One reading thread takes the files in walk order, so the shard is read first: as its bytes
    // are counted, the trainer saves it again (valid, but longer), before the read is checked.
    Progress trainer =
        Fixtures.changingAtFirstBytes(
            () -> Fixtures.safetensors(shard, new int[] {4000, 10}, new long[] {8, 9}), warnings);

    BackupReport r =
        Backup.run(
            repo,
            BackupOptions.of(src)
                .withCheckpoints(new CheckpointSpec(List.of("src/runs/*/checkpoint-*"), "auto"))
                .withThreads(1)
                .withProgress(trainer));

    String reason = "changed while being read: src/runs/a/checkpoint-500/model.safetensors";
    assertThat(r.checkpointsSkipped())
        .containsExactly(new SkippedCheckpoint("src/runs/a/checkpoint-500", reason));
    assertThat(warnings)
        .contains("src/runs/a/checkpoint-500: checkpoint left out of this snapshot: " + reason);
    assertThat(r.checkpoints()).isEmpty();
    assertThat(r.changedWhileReading()).as("nothing changed was stored").isZero();
    assertThat(r.files()).isEqualTo(1);
    Path target = tmp.resolve("t1");
    Restore.run(repo, RestoreOptions.of(r.snapshotId(), target));
    assertThat(Fixtures.describe(target.resolve("src")))
        .containsOnlyKeys("runs", "runs/a", "z-notes.txt");

    BackupReport next =
        Backup.run(
            repo,
            BackupOptions.of(src)
                .withCheckpoints(new CheckpointSpec(List.of("src/runs/*/checkpoint-*"), "auto")));
    assertThat(next.checkpointsSkipped()).isEmpty();
    assertThat(next.checkpoints())
        .containsExactly(new Checkpoint("src/runs/a/checkpoint-500", 500L));
    Path again = tmp.resolve("t2");
    Restore.run(repo, RestoreOptions.of(next.snapshotId(), again));
    assertThat(Fixtures.sha256(again.resolve("src/runs/a/checkpoint-500/model.safetensors")))
        .isEqualTo(Fixtures.sha256(shard));
  }

  @Test
  void aCheckpointTheIncludesSelectOnlyPartOfIsNotListed() throws Exception {
    Path src = tmp.resolve("src");
    writeRuns(src);
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    BackupReport r =
        Backup.run(
            repo,
            BackupOptions.of(src)
                .withCheckpoints(GLOBS)
                .withFilters(
                    List.of("src/runs/a/checkpoint-100/config.json", "src/runs/ds"), List.of()));
    assertThat(r.checkpoints()).containsExactly(new Checkpoint("src/runs/ds/global_step10", 10L));
    assertThat(r.checkpointsSkipped())
        .extracting(SkippedCheckpoint::path)
        .containsExactly("src/runs/ds/global_step20");
    assertThat(r.files()).as("config.json, latest and global_step10's file").isEqualTo(3);
  }

  @Test
  void aBackupWithoutGlobsRecordsNoListAndTreatsCheckpointFoldersAsAnyOther() throws Exception {
    Path src = tmp.resolve("src");
    writeRuns(src);
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    BackupReport r = Backup.run(repo, BackupOptions.of(src));
    assertThat(r.checkpoints()).isEmpty();
    assertThat(r.checkpointsSkipped()).isEmpty();
    assertThat(Snapshots.resolve(repo, r.snapshotId(), null, w -> {}).snapshot().checkpoints())
        .isNull();
    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of(r.snapshotId(), target));
    Fixtures.assertSameTree(src, target.resolve("src"));
  }

  @Test
  void globsThatMatchNoFolderAreWarnedAbout() throws Exception {
    Path src = tmp.resolve("src");
    writeRuns(src);
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    List<String> warnings = new CopyOnWriteArrayList<>();
    BackupOptions warned = BackupOptions.of(src).withProgress(Fixtures.warningsTo(warnings));
    // relative to the source, not a snapshot path: matches nothing
    var relative = new CheckpointSpec(List.of("runs/*/checkpoint-*"), "auto");
    assertThat(Backup.run(repo, warned.withCheckpoints(relative)).checkpoints()).isEmpty();
    assertThat(warnings)
        .containsExactly(
            "--checkpoints runs/*/checkpoint-*: no folder matched, so no checkpoint was checked"
                + " (the globs match paths in the snapshot, the source's name first, as --include"
                + " does: 'train/runs/*/checkpoint-*' for /data/train/runs/a/checkpoint-100)");
    warnings.clear();
    Backup.run(repo, warned.withCheckpoints(GLOBS));
    assertThat(warnings).noneMatch(w -> w.contains("no folder matched"));
  }
}
