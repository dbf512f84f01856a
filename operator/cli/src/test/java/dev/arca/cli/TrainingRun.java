package dev.arca.cli;

import dev.arca.samples.ModelShape;
import dev.arca.samples.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A training run under a {@link TestRepo}'s source ({@code src/runs/a}): complete Hugging Face
 * Trainer checkpoints written and deleted as a trainer with a save limit does, and backed up with
 * {@code --checkpoints}.
 */
final class TrainingRun {
  /** The glob every backup of the run is given. */
  static final String GLOB = "src/runs/*/checkpoint-*";

  private final TestRepo repo;

  TrainingRun(TestRepo repo) {
    this.repo = repo;
  }

  /** The path of checkpoint {@code step} in a snapshot. */
  static String path(long step) {
    return "src/runs/a/checkpoint-" + step;
  }

  /**
   * Writes checkpoint {@code step} whole (its weights differ from every other step's); returns its
   * files' contents by path in the snapshot.
   */
  Map<String, byte[]> write(long step) {
    Path dir = folder(step);
    try {
      Safetensors.write(
          dir.resolve("model.safetensors"),
          List.of(new ModelShape.Tensor("w", new long[] {256, 256}, 0)),
          new long[] {step},
          Safetensors.PT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestRepo.write(
        dir.resolve("trainer_state.json"),
        ("{\"global_step\":" + step + "}").getBytes(StandardCharsets.UTF_8));
    Map<String, byte[]> files = new TreeMap<>();
    for (String name : List.of("model.safetensors", "trainer_state.json")) {
      files.put(path(step) + "/" + name, TestRepo.read(dir.resolve(name)));
    }
    return files;
  }

  /** Deletes checkpoint {@code step} from the source, as a trainer's save limit does. */
  void delete(long step) {
    try {
      dev.arca.engine.Fixtures.delete(folder(step));
      java.nio.file.Files.delete(folder(step));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Backs the source up with {@link #GLOB}; returns the snapshot's id. */
  String backup() {
    String id = repo.backup("--checkpoints", GLOB).get("snapshotId").asText();
    try {
      Thread.sleep(5); // the next snapshot is strictly newer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return id;
  }

  private Path folder(long step) {
    return repo.source.resolve("runs/a/checkpoint-" + step);
  }
}
