package dev.arca.cli;

import dev.arca.engine.Fixtures;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.FileStorage;
import dev.arca.samples.ModelShape;
import dev.arca.samples.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

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
   * Writes checkpoint {@code step} whole (its weights differ from every other step's); returns the
   * SHA-256 of its files by path in the snapshot.
   */
  Map<String, String> write(long step) {
    return write(step, 0);
  }

  /**
   * Writes checkpoint {@code step} whole, as the trainer's {@code version}th save of that step (a
   * run resumed from an earlier checkpoint saves the step again, with other weights); returns the
   * SHA-256 of its files by path in the snapshot.
   */
  Map<String, String> write(long step, int version) {
    Path dir = folder(step);
    try {
      Safetensors.write(
          dir.resolve("model.safetensors"),
          List.of(new ModelShape.Tensor("w", new long[] {256, 256}, 0)),
          new long[] {step * 1000 + version},
          Safetensors.PT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestRepo.write(
        dir.resolve("trainer_state.json"),
        ("{\"global_step\":" + step + ",\"save\":" + version + "}")
            .getBytes(StandardCharsets.UTF_8));
    return digests(repo.dir, "src/runs/a/checkpoint-" + step);
  }

  /** The SHA-256 of every regular file at or below {@code root/rel}, by path relative to root. */
  static Map<String, String> digests(Path root, String rel) {
    Map<String, String> out = new TreeMap<>();
    Path start = root.resolve(rel);
    if (!Files.exists(start)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(start)) {
      s.filter(Files::isRegularFile)
          .forEach(
              f ->
                  out.put(
                      root.relativize(f).toString().replace('\\', '/'),
                      TestRepo.sha256(TestRepo.read(f))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Flips a bit in the middle of the last chunk of {@code file} of a snapshot, in its pack: that
   * file's data (tensor bytes of one save of one step) is damaged, no other file's.
   */
  void damage(String snapshotId, String file) {
    try {
      Repository r = Repository.open(new FileStorage(repo.repoDir), repo.password.toCharArray());
      List<BlobIndex.Location> chunks = Fixtures.chunks(r, snapshotId, file);
      BlobIndex.Location last = chunks.get(chunks.size() - 1);
      Fixtures.flipByte(repo.repoDir.resolve(last.packKey()), last.offset() + last.length() / 2);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes checkpoint {@code step} from the source, as a trainer's save limit does. */
  void delete(long step) {
    try {
      Fixtures.delete(folder(step));
      Files.delete(folder(step));
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
