package dev.arca.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arca.samples.ModelShape;
import dev.arca.samples.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a deterministic LLM-like data set of about a requested size:
 *
 * <ul>
 *   <li>{@code model/model-0000K-of-0000N.safetensors}: BF16 weights of a Llama-like model drawn
 *       from N(0, 0.02), about 70% of the total, in shards of up to 512 MiB;
 *   <li>{@code model/config.json}, {@code model/model.safetensors.index.json} and {@code
 *       model/tokenizer.json} (up to a few MiB);
 *   <li>{@code data/train/part-NNNNN.jsonl}: many 2-20 KiB JSONL files of Zipf-distributed words,
 *       about 10%;
 *   <li>{@code dumps/app.sql}: a PostgreSQL text dump, about 10%;
 *   <li>{@code checkpoint/optimizer-state.safetensors}: FP32 Adam moments of the first tensors,
 *       about 10% (see {@link OptimizerState}).
 * </ul>
 *
 * The same seed and size always give the same bytes.
 */
public final class DatasetGenerator {
  private static final long MAX_SHARD = 512L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long seed;

  /** A generator for the given seed. */
  public DatasetGenerator(long seed) {
    this.seed = seed;
  }

  /** Writes the data set into {@code root} (created if missing) and describes it. */
  public Dataset generate(Path root, long targetBytes) throws IOException {
    long jsonlBudget = targetBytes / 10;
    long sqlBudget = targetBytes / 10;
    long tokenizerBudget = Math.max(16L << 10, Math.min(4L << 20, targetBytes / 500));
    long optimizerBudget = targetBytes / 10;
    long weightBudget =
        Math.max(
            64 << 10, targetBytes - jsonlBudget - sqlBudget - tokenizerBudget - optimizerBudget);
    ModelShape shape = ModelShape.forBudget(weightBudget);

    SplittableRandom master = new SplittableRandom(seed);
    SplittableRandom weightRandom = master.split();
    SplittableRandom textRandom = master.split();
    SplittableRandom sqlRandom = master.split();
    SplittableRandom tokenizerRandom = master.split();
    SplittableRandom optimizerRandom = master.split();
    TextCorpus corpus = new TextCorpus(master.nextLong(), 30_000);

    Path model = Files.createDirectories(root.resolve("model"));
    List<List<ModelShape.Tensor>> shards = splitIntoShards(shape.tensors(), weightBudget);
    Map<String, Path> weightMap = new LinkedHashMap<>();
    long weightBytes = 0;
    for (int i = 0; i < shards.size(); i++) {
      String name =
          String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
      Path file = model.resolve(name);
      weightBytes += Safetensors.write(file, shards.get(i), weightRandom, Safetensors.PT);
      for (ModelShape.Tensor t : shards.get(i)) {
        weightMap.put(t.name(), file);
      }
    }
    Path checkpoint = Files.createDirectories(root.resolve("checkpoint"));
    long optimizer =
        OptimizerState.write(
            checkpoint.resolve("optimizer-state.safetensors"),
            shape.tensors(),
            optimizerBudget,
            optimizerRandom);
    long other = writeConfig(model.resolve("config.json"), shape);
    other += writeIndex(model.resolve("model.safetensors.index.json"), weightMap, shape.bytes());
    TextFiles text = new TextFiles(corpus);
    other +=
        text.writeTokenizer(
            model.resolve("tokenizer.json"), shape.vocab(), tokenizerBudget, tokenizerRandom);
    TextFiles.Written jsonl =
        text.writeJsonl(root.resolve("data").resolve("train"), jsonlBudget, textRandom);
    Path dumps = Files.createDirectories(root.resolve("dumps"));
    long sql = new SqlDump(corpus).write(dumps.resolve("app.sql"), sqlBudget, sqlRandom);
    return new Dataset(
        root,
        seed,
        shape,
        weightMap,
        shards.size(),
        weightBytes,
        jsonl.files(),
        jsonl.bytes(),
        sql,
        optimizer,
        other);
  }

  /** Groups tensors in order into shards of about a quarter of the weights, at most 512 MiB. */
  static List<List<ModelShape.Tensor>> splitIntoShards(
      List<ModelShape.Tensor> tensors, long weightBytes) {
    long target = Math.min(MAX_SHARD, Math.max(1, weightBytes / 4));
    List<List<ModelShape.Tensor>> shards = new ArrayList<>();
    List<ModelShape.Tensor> current = new ArrayList<>();
    long size = 0;
    for (ModelShape.Tensor t : tensors) {
      if (!current.isEmpty() && size + t.bytes() > target) {
        shards.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(t);
      size += t.bytes();
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    return shards;
  }

  private static long writeConfig(Path file, ModelShape shape) throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("model_type", "llama");
    c.put("hidden_size", shape.hidden());
    c.put("intermediate_size", shape.intermediate());
    c.put("num_hidden_layers", shape.layers());
    c.put("num_attention_heads", shape.heads());
    c.put("num_key_value_heads", shape.kvHeads());
    c.put("vocab_size", shape.vocab());
    c.put("max_position_embeddings", 4096);
    c.put("hidden_act", "silu");
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("tie_word_embeddings", false);
    c.put("torch_dtype", "bfloat16");
    c.put("bos_token_id", 1);
    c.put("eos_token_id", 2);
    JSON.writer(TextFiles.prettyPrinter()).writeValue(file.toFile(), c);
    return Files.size(file);
  }

  private static long writeIndex(Path file, Map<String, Path> weightMap, long total)
      throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", total);
    ObjectNode map = index.putObject("weight_map");
    weightMap.forEach((name, shard) -> map.put(name, shard.getFileName().toString()));
    JSON.writer(TextFiles.prettyPrinter()).writeValue(file.toFile(), index);
    return Files.size(file);
  }
}
