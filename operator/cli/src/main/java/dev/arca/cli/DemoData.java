package dev.arca.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Writes the small LLM-like tree the demo backs up, and the changes a day of training makes. */
final class DemoData {
  private static final String[] WORDS = {
    "the", "model", "token", "layer", "weights", "gradient", "batch", "loss", "attention", "data",
    "learning", "rate", "user", "answer", "question", "context", "prompt", "train", "eval", "step"
  };

  private DemoData() {}

  /** Shapes of a tiny transformer: name to element count. */
  private static Map<String, Integer> tensors(int layers, int hidden) {
    Map<String, Integer> t = new LinkedHashMap<>();
    t.put("model.embed_tokens.weight", 4096 * hidden / 4);
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
        t.put(p + "self_attn." + proj + ".weight", hidden * hidden);
      }
      t.put(p + "mlp.up_proj.weight", hidden * hidden * 2);
      t.put(p + "mlp.down_proj.weight", hidden * hidden * 2);
      t.put(p + "input_layernorm.weight", hidden);
    }
    return t;
  }

  static void write(Path root, long seed) throws IOException {
    Files.createDirectories(root.resolve("models/tiny-llm"));
    for (int s = 1; s <= 2; s++) {
      writeShard(
          root.resolve("models/tiny-llm/model-0000" + s + "-of-00002.safetensors"), seed + s);
    }
    Files.writeString(
        root.resolve("models/tiny-llm/config.json"),
        "{\"architectures\":[\"TinyForCausalLM\"],\"hidden_size\":1024,\"num_layers\":4}\n");
    writeText(root.resolve("models/tiny-llm/tokenizer.json"), 400_000, new SplittableRandom(seed));
    Path data = root.resolve("datasets/chat/train");
    Files.createDirectories(data);
    SplittableRandom r = new SplittableRandom(seed + 7);
    for (int i = 0; i < 200; i++) {
      writeJsonl(data.resolve(String.format("part-%05d.jsonl", i)), 20 + r.nextInt(60), r);
    }
    Files.createDirectories(root.resolve("dumps"));
    writeDump(root.resolve("dumps/app.sql"), 20_000, new SplittableRandom(seed + 9));
  }

  /** What a day of training changes: one tensor rewritten, a new checkpoint, new data. */
  static void train(Path root, long seed) throws IOException {
    rewriteFirstTensor(root.resolve("models/tiny-llm/model-00001-of-00002.safetensors"), seed);
    Path ckpt = root.resolve("checkpoints/step-1000");
    Files.createDirectories(ckpt);
    writeShard(ckpt.resolve("model.safetensors"), seed + 100);
    Files.writeString(ckpt.resolve("trainer_state.json"), "{\"global_step\":1000}\n");
    SplittableRandom r = new SplittableRandom(seed + 11);
    Path data = root.resolve("datasets/chat/train");
    for (int i = 200; i < 220; i++) {
      writeJsonl(data.resolve(String.format("part-%05d.jsonl", i)), 50, r);
    }
  }

  private static void writeShard(Path file, long seed) throws IOException {
    Map<String, Integer> t = tensors(2, 1024);
    StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long off = 0;
    for (var e : t.entrySet()) {
      long len = 2L * e.getValue();
      h.append(",\"")
          .append(e.getKey())
          .append("\":{\"dtype\":\"BF16\",\"shape\":[")
          .append(e.getValue())
          .append("],\"data_offsets\":[")
          .append(off)
          .append(',')
          .append(off + len)
          .append("]}");
      off += len;
    }
    h.append('}');
    while ((h.length() + 8) % 8 != 0) {
      h.append(' ');
    }
    byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
    SplittableRandom r = new SplittableRandom(seed);
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
      out.write(len.array());
      out.write(header);
      for (int n : t.values()) {
        out.write(bf16(n, r));
      }
    }
  }

  private static byte[] bf16(int n, SplittableRandom r) {
    ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      double g = gaussian(r) * 0.02;
      b.putShort((short) (Float.floatToRawIntBits((float) g) >>> 16));
    }
    return b.array();
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static void rewriteFirstTensor(Path shard, long seed) throws IOException {
    try (FileChannel ch =
        FileChannel.open(shard, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(len, 0);
      long dataStart = 8 + len.flip().getLong();
      int n = 4096 * 1024 / 4;
      ch.write(ByteBuffer.wrap(bf16(n, new SplittableRandom(seed + 1000))), dataStart);
    }
  }

  private static void writeJsonl(Path f, int lines, SplittableRandom r) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(f)) {
      for (int i = 0; i < lines; i++) {
        w.write("{\"id\":" + r.nextInt(1 << 30) + ",\"text\":\"" + sentence(r, 30) + "\"}\n");
      }
    }
  }

  private static void writeText(Path f, int bytes, SplittableRandom r) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(f)) {
      int n = 0;
      while (n < bytes) {
        String s = sentence(r, 12) + "\n";
        w.write(s);
        n += s.length();
      }
    }
  }

  private static void writeDump(Path f, int rows, SplittableRandom r) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(f)) {
      w.write("CREATE TABLE conversations (id bigint PRIMARY KEY, user_id int, body text);\n");
      w.write("COPY conversations (id, user_id, body) FROM stdin;\n");
      for (int i = 0; i < rows; i++) {
        w.write(i + "\t" + r.nextInt(5000) + "\t" + sentence(r, 8) + "\n");
      }
      w.write("\\.\n");
    }
  }

  private static String sentence(SplittableRandom r, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        b.append(' ');
      }
      // Zipf-like: small indexes far more often.
      int k =
          (int) Math.min(WORDS.length - 1, Math.floor(Math.pow(r.nextDouble(), 3) * WORDS.length));
      b.append(WORDS[k]);
    }
    return b.toString();
  }
}
