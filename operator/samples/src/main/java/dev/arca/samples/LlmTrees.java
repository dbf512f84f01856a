package dev.arca.samples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * LLM-like folder trees: a model folder (safetensors shards, a config, a tokenizer), checkpoints, a
 * data set of many small JSONL files and a SQL dump. Every builder is deterministic: the same seed
 * writes the same bytes.
 */
public final class LlmTrees {
  /** The tiny transformer of {@link #demo}: two layers of width 1024, 32 MiB of weights a shard. */
  public static final ModelShape TINY = new ModelShape(1024, 1024, 2, 8, 8, 1024);

  /** Files in the data set {@link #demo} writes; {@link #train} adds 20 more. */
  public static final int DEMO_DATASET_FILES = 200;

  private static final String[] WORDS = {
    "the", "model", "token", "layer", "weights", "gradient", "batch", "loss", "attention", "data",
    "learning", "rate", "user", "answer", "question", "context", "prompt", "train", "eval", "step"
  };

  private LlmTrees() {}

  /**
   * The tree of {@code arca demo} (about 70 MiB): {@code models/tiny-llm} with two shards of {@link
   * #TINY}, a config and a 400 KB tokenizer; {@code datasets/chat/train} with {@value
   * #DEMO_DATASET_FILES} JSONL files; {@code dumps/app.sql}.
   */
  public static void demo(Path root, long seed) throws IOException {
    Path model = root.resolve("models/tiny-llm");
    model(model, TINY, 2, seed);
    text(model.resolve("tokenizer.json"), 400_000, new SplittableRandom(seed));
    SplittableRandom r = new SplittableRandom(seed + 7);
    jsonl(root.resolve("datasets/chat/train"), 0, DEMO_DATASET_FILES, () -> 20 + r.nextInt(60), r);
    sqlDump(root.resolve("dumps/app.sql"), 20_000, new SplittableRandom(seed + 9));
  }

  /**
   * What a day of training changes in a {@link #demo} tree: the first tensor of the first shard
   * rewritten in place, a new checkpoint {@code checkpoints/step-1000}, 20 new data set files.
   */
  public static void train(Path root, long seed) throws IOException {
    Path shard = root.resolve("models/tiny-llm").resolve(shardName(1, 2));
    ModelShape.Tensor first = TINY.tensors().get(0);
    Safetensors.overwrite(shard, 0, first.bytes(), first.mean(), new SplittableRandom(seed + 1000));
    Path ckpt = Files.createDirectories(root.resolve("checkpoints/step-1000"));
    Safetensors.write(
        ckpt.resolve("model.safetensors"),
        TINY.tensors(),
        new SplittableRandom(seed + 100),
        Safetensors.PT);
    Files.writeString(ckpt.resolve("trainer_state.json"), "{\"global_step\":1000}\n");
    SplittableRandom r = new SplittableRandom(seed + 11);
    jsonl(
        root.resolve("datasets/chat/train"),
        DEMO_DATASET_FILES,
        DEMO_DATASET_FILES + 20,
        () -> 50,
        r);
  }

  /**
   * A small tree (under 1 MiB) for tests that move it around: {@code
   * model/model-00001-of-00001.safetensors} (two BF16 tensors of 256 KiB), {@code
   * model/config.json}, {@code checkpoints/step-100/optimizer.bin} (300,000 random bytes), and 40
   * JSONL files in {@code datasets/chat été} (a space and an accent in the name).
   */
  public static void small(Path root, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    List<ModelShape.Tensor> tensors =
        List.of(
            new ModelShape.Tensor("layer.0.weight", new long[] {128 * 1024}, 0),
            new ModelShape.Tensor("layer.1.weight", new long[] {128 * 1024}, 0));
    Safetensors.write(root.resolve("model").resolve(shardName(1, 1)), tensors, r, Safetensors.PT);
    Files.writeString(
        root.resolve("model/config.json"), "{\"hidden_size\": 512, \"seed\": " + seed + "}\n");
    Path ckpt = Files.createDirectories(root.resolve("checkpoints/step-100"));
    byte[] optimizer = new byte[300_000];
    r.nextBytes(optimizer);
    Files.write(ckpt.resolve("optimizer.bin"), optimizer);
    Path data = Files.createDirectories(root.resolve("datasets/chat été"));
    for (int i = 0; i < 40; i++) {
      Files.writeString(
          data.resolve("part-" + i + ".jsonl"),
          "{\"prompt\": \"q" + i + "\", \"answer\": \"" + r.nextLong() + "\"}\n");
    }
  }

  /**
   * A model folder: {@code shards} shards named as Hugging Face names them, each holding all of
   * {@code shape}'s tensors (shard {@code s} from seed {@code seed + s}), and a {@code
   * config.json}.
   */
  public static void model(Path dir, ModelShape shape, int shards, long seed) throws IOException {
    Files.createDirectories(dir);
    for (int s = 1; s <= shards; s++) {
      Safetensors.write(
          dir.resolve(shardName(s, shards)),
          shape.tensors(),
          new SplittableRandom(seed + s),
          Safetensors.PT);
    }
    Files.writeString(
        dir.resolve("config.json"),
        String.format(
            Locale.ROOT,
            "{\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":%d,"
                + "\"intermediate_size\":%d,\"num_hidden_layers\":%d,\"vocab_size\":%d}%n",
            shape.hidden(),
            shape.intermediate(),
            shape.layers(),
            shape.vocab()));
  }

  /** {@code model-0000S-of-0000N.safetensors}. */
  public static String shardName(int shard, int shards) {
    return String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", shard, shards);
  }

  /** How many lines the next JSONL file gets. */
  @FunctionalInterface
  public interface LineCount {
    /** The next count. */
    int next();
  }

  /**
   * Files {@code part-NNNNN.jsonl} numbered {@code from} (inclusive) to {@code to} (exclusive) in
   * {@code dir}, of {@code {"id":..,"text":".."}} lines of Zipf-distributed words.
   */
  public static void jsonl(Path dir, int from, int to, LineCount lines, SplittableRandom r)
      throws IOException {
    Files.createDirectories(dir);
    for (int i = from; i < to; i++) {
      Path f = dir.resolve(String.format(Locale.ROOT, "part-%05d.jsonl", i));
      int n = lines.next();
      try (BufferedWriter w = Files.newBufferedWriter(f)) {
        for (int l = 0; l < n; l++) {
          w.write("{\"id\":" + r.nextInt(1 << 30) + ",\"text\":\"" + sentence(r, 30) + "\"}\n");
        }
      }
    }
  }

  /** A text file of at least {@code bytes} bytes of lines of Zipf-distributed words. */
  public static void text(Path f, int bytes, SplittableRandom r) throws IOException {
    Files.createDirectories(f.toAbsolutePath().getParent());
    try (BufferedWriter w = Files.newBufferedWriter(f)) {
      int n = 0;
      while (n < bytes) {
        String s = sentence(r, 12) + "\n";
        w.write(s);
        n += s.length();
      }
    }
  }

  /** A PostgreSQL text dump of one table of {@code rows} rows. */
  public static void sqlDump(Path f, int rows, SplittableRandom r) throws IOException {
    Files.createDirectories(f.toAbsolutePath().getParent());
    try (BufferedWriter w = Files.newBufferedWriter(f)) {
      w.write("CREATE TABLE conversations (id bigint PRIMARY KEY, user_id int, body text);\n");
      w.write("COPY conversations (id, user_id, body) FROM stdin;\n");
      for (int i = 0; i < rows; i++) {
        w.write(i + "\t" + r.nextInt(5000) + "\t" + sentence(r, 8) + "\n");
      }
      w.write("\\.\n");
    }
  }

  /** {@code words} words, small indexes of a 20-word vocabulary far more often (Zipf-like). */
  public static String sentence(SplittableRandom r, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        b.append(' ');
      }
      int k =
          (int) Math.min(WORDS.length - 1, Math.floor(Math.pow(r.nextDouble(), 3) * WORDS.length));
      b.append(WORDS[k]);
    }
    return b.toString();
  }
}
