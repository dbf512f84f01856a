package dev.arca.bench;

import dev.arca.samples.ModelShape;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the next checkpoint of a fine-tuning run whose first half of the weights is frozen: a new
 * folder beside {@code model/} with every file copied, then the tensors of the trained half (the
 * later tensors, by bytes: upper layers and LM head) rewritten with new values. A backup tool that
 * deduplicates well stores little more than the trained half.
 */
final class NextCheckpoint {
  /** The new folder's name, beside {@code model/}. */
  static final String FOLDER = "model-next";

  /**
   * What was written.
   *
   * @param folder the new checkpoint's folder
   * @param bytes size of all its files
   * @param trainedBytes bytes of the rewritten tensors
   * @param trainedTensors how many tensors were rewritten
   * @param description what changed, for the report ("with 12 tensors (...) rewritten ...")
   * @param reference how the report names {@code trainedBytes} in its ratio
   */
  record Written(
      Path folder,
      long bytes,
      long trainedBytes,
      int trainedTensors,
      String description,
      String reference) {}

  private NextCheckpoint() {}

  static Written write(Dataset dataset, long seed) throws IOException {
    Path from = dataset.root().resolve("model");
    Path to = Files.createDirectories(dataset.root().resolve(FOLDER));
    long bytes = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(from)) {
      for (Path f : files) {
        Files.copy(f, to.resolve(f.getFileName()));
        bytes += Files.size(f);
      }
    }
    List<ModelShape.Tensor> tensors = new ArrayList<>(dataset.shape().tensors());
    long total = tensors.stream().mapToLong(ModelShape.Tensor::bytes).sum();
    long frozen = 0;
    long trained = 0;
    int count = 0;
    for (ModelShape.Tensor t : tensors) {
      if (frozen < total / 2) {
        frozen += t.bytes();
        continue;
      }
      Path shard = to.resolve(dataset.shardOf(t.name()).getFileName());
      // each tensor its own values: equal rewrites would hand the tools duplicates to find
      trained += new TensorRewriter(seed * 1_000_003 + count).rewrite(shard, t.name()).bytes();
      count++;
    }
    return new Written(
        to,
        bytes,
        trained,
        count,
        "with "
            + count
            + " tensors ("
            + Sizes.format(trained)
            + ") rewritten and the rest as in `model/`",
        "the rewritten tensors");
  }
}
