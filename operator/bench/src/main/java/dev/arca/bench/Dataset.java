package dev.arca.bench;

import dev.arca.samples.ModelShape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A generated data set and what it is made of.
 *
 * @param root the folder holding {@code model/}, {@code data/} and {@code dumps/}
 * @param seed the seed it was generated from
 * @param shape the model architecture of the weights
 * @param weightMap which shard each tensor is in
 * @param shards number of safetensors shards
 * @param weightBytes total size of the shards
 * @param jsonlFiles number of JSONL files
 * @param jsonlBytes their total size
 * @param sqlBytes size of the SQL dump
 * @param optimizerBytes size of the FP32 optimizer-state file
 * @param otherBytes size of the rest (tokenizer, config, shard index)
 */
public record Dataset(
    Path root,
    long seed,
    ModelShape shape,
    Map<String, Path> weightMap,
    int shards,
    long weightBytes,
    int jsonlFiles,
    long jsonlBytes,
    long sqlBytes,
    long optimizerBytes,
    long otherBytes)
    implements BenchData {

  @Override
  public String kind() {
    return "synthetic";
  }

  /** Total size in bytes. */
  @Override
  public long totalBytes() {
    return weightBytes + jsonlBytes + sqlBytes + optimizerBytes + otherBytes;
  }

  /** Number of files. */
  @Override
  public int fileCount() {
    return shards + jsonlFiles + 5; // dump, optimizer state, tokenizer, config, index
  }

  /** The shard holding tensor {@code name}. */
  public Path shardOf(String name) {
    Path shard = weightMap.get(name);
    if (shard == null) {
      throw new IllegalArgumentException("no tensor " + name);
    }
    return shard;
  }

  /** The largest safetensors shard. */
  public Path largestShard() {
    return weightMap.values().stream()
        .distinct()
        .max(
            java.util.Comparator.comparingLong(
                p -> {
                  try {
                    return java.nio.file.Files.size(p);
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }))
        .orElseThrow();
  }

  @Override
  public List<String> describeParts() {
    return List.of("Data set: " + describe());
  }

  /** Rewrites the middle layer's MLP down projection with new values. */
  @Override
  public TensorRewriter.Rewrite rewriteOneTensor(long seed) throws IOException {
    String tensor = shape.middleDownProjection();
    return new TensorRewriter(seed).rewrite(shardOf(tensor), tensor);
  }

  @Override
  public NextCheckpoint.Written writeNextCheckpoint(long seed) throws IOException {
    return NextCheckpoint.write(this, seed);
  }

  /** The largest shard. */
  @Override
  public String largeFile() {
    return "model/" + largestShard().getFileName();
  }

  /** {@code data/}: the JSONL files. */
  @Override
  public String folder() {
    return "data";
  }

  @Override
  public long folderBytes() {
    return jsonlBytes;
  }

  @Override
  public int folderFiles() {
    return jsonlFiles;
  }

  /** {@code model/}: the BF16 shards with their config, index and tokenizer. */
  @Override
  public Path weightsFolder() {
    return root.resolve("model");
  }

  @Override
  public String weightsWhat() {
    return "BF16 weights alone";
  }

  /** One line saying what the data set is made of. */
  @Override
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "%s in %,d files: %d BF16 safetensors shards %s (%.1f%%, %d layers, hidden %d, vocab %,d),"
            + " FP32 optimizer state %s (%.1f%%), %,d JSONL files %s (%.1f%%), SQL dump %s"
            + " (%.1f%%), tokenizer/config %s; seed %d",
        Sizes.format(totalBytes()),
        fileCount(),
        shards,
        Sizes.format(weightBytes),
        100.0 * weightBytes / totalBytes(),
        shape.layers(),
        shape.hidden(),
        shape.vocab(),
        Sizes.format(optimizerBytes),
        100.0 * optimizerBytes / totalBytes(),
        jsonlFiles,
        Sizes.format(jsonlBytes),
        100.0 * jsonlBytes / totalBytes(),
        Sizes.format(sqlBytes),
        100.0 * sqlBytes / totalBytes(),
        Sizes.format(otherBytes),
        seed);
  }
}
