package dev.arca.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.samples.Bf16;
import dev.arca.samples.Safetensors;
import dev.arca.samples.TreeDigest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real data set on a small model written here: Trainer-like checkpoints, BF16 conversion, a
 * frozen embeddings shard that never changes, trained tensors whose BF16 values mostly change while
 * their spread stays, determinism, and the one-tensor and next-checkpoint steps.
 */
class RealDatasetTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int NAN_AT = 3;

  @TempDir Path tmp;

  private Path weights;
  private List<SourceTrees.Source> sources;

  /** The model's F32 tensors by name, as written. */
  private final Map<String, float[]> original = new java.util.HashMap<>();

  private final byte[] positionIds = new byte[8 * 8];

  @BeforeEach
  void writeModelAndSources() throws IOException {
    Path model = Files.createDirectories(tmp.resolve("model"));
    SplittableRandom r = new SplittableRandom(1);
    List<Safetensors.Item> items = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    ByteBuffer ids = ByteBuffer.wrap(positionIds).order(ByteOrder.LITTLE_ENDIAN);
    for (long i = 0; i < 8; i++) {
      ids.putLong(i);
    }
    items.add(new Safetensors.Item("embeddings.position_ids", "I64", new long[] {1, 8}, 64));
    data.add(positionIds);
    addF32(items, data, "embeddings.word_embeddings.weight", new long[] {50, 16}, 0, r);
    addF32(items, data, "encoder.layer.0.attention.attn.q.weight", new long[] {16, 16}, 0, r);
    addF32(items, data, "encoder.layer.0.output.dense.weight", new long[] {16, 64}, 0, r);
    addF32(items, data, "encoder.layer.0.output.LayerNorm.weight", new long[] {16}, 1, r);
    addF32(items, data, "pooler.dense.weight", new long[] {16, 16}, 0, r);
    weights = model.resolve("model.safetensors");
    try (FileChannel out = Safetensors.create(weights, Safetensors.header(items, Safetensors.PT))) {
      for (byte[] d : data) {
        Safetensors.writeFully(out, ByteBuffer.wrap(d));
      }
    }
    Files.writeString(
        model.resolve("config.json"),
        "{\"model_type\":\"mpnet\",\"num_hidden_layers\":1,\"hidden_size\":16}");
    Files.writeString(model.resolve("tokenizer.json"), "{\"version\":\"1.0\"}");

    Path alpha = Files.createDirectories(tmp.resolve("src/alpha-1.0/sub"));
    Files.writeString(alpha.resolve("b.py"), "print('b')\n");
    Files.writeString(alpha.getParent().resolve("a.txt"), "a".repeat(3000));
    Path beta = Files.createDirectories(tmp.resolve("src/beta-2.0"));
    for (int i = 0; i < 40; i++) {
      Files.writeString(beta.resolve("f" + i + ".md"), ("# file " + i + "\n").repeat(200));
    }
    sources =
        List.of(
            SourceTrees.Source.of(alpha.getParent(), "https://example.invalid/alpha-1.0.tar.gz"),
            SourceTrees.Source.of(beta, "https://example.invalid/beta-2.0.tar.gz"));
  }

  private void addF32(
      List<Safetensors.Item> items,
      List<byte[]> data,
      String name,
      long[] shape,
      double mean,
      SplittableRandom r) {
    int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] values = new float[n];
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      values[i] = (float) (mean + 0.04 * r.nextGaussian());
      if (name.startsWith("embeddings.") && i == NAN_AT) {
        values[i] = Float.NaN;
      }
      b.putFloat(values[i]);
    }
    original.put(name, values);
    items.add(new Safetensors.Item(name, "F32", shape, 4L * n));
    data.add(b.array());
  }

  private RealDataset generate(String folder, long seed, long size) throws IOException {
    return new RealDatasetGenerator(seed)
        .generate(tmp.resolve(folder), size, weights, "tiny", "made in the test", sources);
  }

  /** The size that makes about three checkpoints of the full model. */
  private long threeCheckpoints() throws IOException {
    SafetensorsReader.Header h = SafetensorsReader.readHeader(weights);
    long checkpoint = (64 << 10) + Files.size(weights.resolveSibling("tokenizer.json"));
    for (SafetensorsReader.Entry e : h.entries()) {
      checkpoint += RealDatasetGenerator.checkpointCost(e);
    }
    return (long) (3 * checkpoint / RealDatasetGenerator.WEIGHTS_SHARE);
  }

  @Test
  void checkpointsAreATrainersWithAFrozenShardAndMovingTrainedTensors() throws IOException {
    RealDataset set = generate("set", 42, threeCheckpoints());

    List<RealDataset.Checkpoint> cps = set.checkpoints();
    assertThat(cps).hasSizeGreaterThanOrEqualTo(2);
    Path first = cps.get(0).dir();
    Path second = cps.get(1).dir();
    assertThat(first.getFileName().toString()).isEqualTo("checkpoint-50");
    assertThat(second.getFileName().toString()).isEqualTo("checkpoint-100");
    try (var files = Files.list(first)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly(
              "config.json",
              "model-00001-of-00002.safetensors",
              "model-00002-of-00002.safetensors",
              "model.safetensors.index.json",
              "optimizer.safetensors",
              "tokenizer.json",
              "trainer_state.json");
    }
    // the frozen shard: the embeddings, BF16 from the FP32 values (NaN kept), I64 as it was
    Path frozen = first.resolve("model-00001-of-00002.safetensors");
    for (RealDataset.Checkpoint cp : cps) {
      assertThat(Files.mismatch(frozen, cp.dir().resolve(frozen.getFileName()))).isEqualTo(-1);
    }
    SafetensorsReader.Header fh = SafetensorsReader.readHeader(frozen);
    assertThat(fh.entries())
        .extracting(SafetensorsReader.Entry::name)
        .containsExactly("embeddings.position_ids", "embeddings.word_embeddings.weight");
    assertThat(bytes(frozen, "embeddings.position_ids")).isEqualTo(positionIds);
    short[] word = bf16(frozen, "embeddings.word_embeddings.weight");
    float[] source = original.get("embeddings.word_embeddings.weight");
    for (int i = 0; i < word.length; i++) {
      assertThat(word[i]).isEqualTo(Bf16.fromFloat(source[i]));
    }
    assertThat(Float.isNaN(Bf16.toFloat(word[NAN_AT]))).isTrue();

    // trained tensors: most BF16 values change between checkpoints, the spread stays
    Path trained1 = first.resolve("model-00002-of-00002.safetensors");
    Path trained2 = second.resolve("model-00002-of-00002.safetensors");
    for (String name :
        List.of(
            "encoder.layer.0.attention.attn.q.weight",
            "encoder.layer.0.output.dense.weight",
            "pooler.dense.weight")) {
      short[] a = bf16(trained1, name);
      short[] b = bf16(trained2, name);
      int changed = 0;
      for (int i = 0; i < a.length; i++) {
        changed += a[i] != b[i] ? 1 : 0;
      }
      assertThat((double) changed / a.length).as(name).isGreaterThan(0.6);
      double spread = std(original.get(name));
      assertThat(std(b))
          .as(name)
          .isCloseTo(spread, org.assertj.core.data.Offset.offset(spread / 20));
    }
    assertThat(set.changedFraction()).isGreaterThan(0.6);
    assertThat(set.describe()).contains("learning rate 5e-5").contains("ε 1e-8");

    // optimizer state: FP32 moments of the trained tensors only
    SafetensorsReader.Header opt =
        SafetensorsReader.readHeader(first.resolve("optimizer.safetensors"));
    assertThat(opt.entries()).hasSize(2 * 4).allMatch(e -> e.dtype().equals("F32"));
    assertThat(opt.entries()).noneMatch(e -> e.name().startsWith("embeddings."));
    assertThat(opt.entry("pooler.dense.weight.exp_avg_sq").elements()).isEqualTo(256);

    JsonNode index = JSON.readTree(first.resolve("model.safetensors.index.json").toFile());
    assertThat(index.path("weight_map").size()).isEqualTo(6);
    assertThat(index.path("weight_map").path("pooler.dense.weight").asText())
        .isEqualTo("model-00002-of-00002.safetensors");
    JsonNode state = JSON.readTree(second.resolve("trainer_state.json").toFile());
    assertThat(state.path("global_step").asInt()).isEqualTo(100);
    assertThat(state.path("log_history").size()).isEqualTo(10);
    JsonNode config = JSON.readTree(first.resolve("config.json").toFile());
    assertThat(config.path("torch_dtype").asText()).isEqualTo("bfloat16");
    assertThat(config.path("model_type").asText()).isEqualTo("mpnet");

    // data/: the source trees as they are
    assertThat(set.root().resolve("data/alpha-1.0/a.txt")).hasContent("a".repeat(3000));
    assertThat(set.root().resolve("data/alpha-1.0/sub/b.py")).hasContent("print('b')\n");
    assertThat(set.totalBytes()).isEqualTo(DatasetGeneratorTest.sizeOf(set.root()));
    assertThat(set.fileCount()).isEqualTo(TreeDigest.of(set.root()).size());
  }

  @Test
  void theSameSeedGivesTheSameBytes() throws IOException {
    long size = threeCheckpoints();
    RealDataset a = generate("a", 7, size);
    RealDataset b = generate("b", 7, size);
    assertThat(TreeDigest.of(a.root())).isEqualTo(TreeDigest.of(b.root()));

    RealDataset c = generate("c", 8, size);
    String trained = "checkpoints/checkpoint-50/model-00002-of-00002.safetensors";
    String frozen = "checkpoints/checkpoint-50/model-00001-of-00002.safetensors";
    assertThat(Files.mismatch(a.root().resolve(trained), c.root().resolve(trained)))
        .isNotEqualTo(-1);
    assertThat(Files.mismatch(a.root().resolve(frozen), c.root().resolve(frozen))).isEqualTo(-1);
  }

  @Test
  void oneTensorMovesInPlaceAndTheNextCheckpointKeepsTheFrozenShard() throws IOException {
    RealDataset set = generate("set", 3, threeCheckpoints());
    RealDataset.Checkpoint latest = set.checkpoints().get(set.checkpoints().size() - 1);
    Path shard = latest.dir().resolve("model-00002-of-00002.safetensors");
    byte[] before = Files.readAllBytes(shard);

    TensorRewriter.Rewrite rw = set.rewriteOneTensor(0);

    assertThat(rw.tensor()).isEqualTo("encoder.layer.0.output.dense.weight");
    assertThat(rw.shard()).isEqualTo(shard);
    byte[] after = Files.readAllBytes(shard);
    assertThat(after).hasSameSizeAs(before);
    int changedInside = 0;
    for (int i = 0; i < before.length; i++) {
      if (i < rw.offset() || i >= rw.offset() + rw.bytes()) {
        assertThat(after[i]).as("byte %d outside the tensor", i).isEqualTo(before[i]);
      } else if (after[i] != before[i]) {
        changedInside++;
      }
    }
    assertThat(changedInside).isGreaterThan((int) (rw.bytes() / 4));
    assertThat(set.largeFile()).endsWith("model-00002-of-00002.safetensors");

    NextCheckpoint.Written next = set.writeNextCheckpoint(0);
    int steps = 50 * set.checkpoints().size();
    assertThat(next.folder().getFileName().toString()).isEqualTo("checkpoint-" + steps);
    assertThat(next.trainedTensors()).isEqualTo(4);
    assertThat(
            Files.mismatch(
                next.folder().resolve("model-00001-of-00002.safetensors"),
                latest.dir().resolve("model-00001-of-00002.safetensors")))
        .isEqualTo(-1);
    assertThat(set.weightsFolder()).isEqualTo(next.folder());
  }

  @Test
  void aSizeBelowOneCheckpointKeepsTheFirstTensorsInFileOrder() throws IOException {
    SafetensorsReader.Header h = SafetensorsReader.readHeader(weights);
    long small = 1000;
    long share = 64 + 1600 + 2560 + small; // position ids, embeddings, q, 1000 of slack
    long size = (long) Math.ceil(share / RealDatasetGenerator.WEIGHTS_SHARE);
    RealDatasetGenerator.Plan plan = RealDatasetGenerator.plan(h, small, size, 1 << 20);
    assertThat(plan.checkpoints()).isEqualTo(1);
    assertThat(plan.tensors())
        .extracting(SafetensorsReader.Entry::name)
        .containsExactly(
            "embeddings.position_ids",
            "embeddings.word_embeddings.weight",
            "encoder.layer.0.attention.attn.q.weight");
    assertThat(plan.dataBudget()).isEqualTo(size - plan.checkpointBytes());

    RealDataset set = generate("small", 1, 70 << 10);
    assertThat(set.checkpoints()).hasSize(1);
    assertThat(set.model().usedTensors()).isLessThan(6);
    assertThat(set.describe()).contains("the first");
  }

  @Test
  void sourcesShortOfTheRestAddACheckpointOnlyWhenFarShort() throws IOException {
    SafetensorsReader.Header h = SafetensorsReader.readHeader(weights);
    long full = 1000;
    for (SafetensorsReader.Entry e : h.entries()) {
      full += RealDatasetGenerator.checkpointCost(e);
    }
    long size = (long) (4 * full / RealDatasetGenerator.WEIGHTS_SHARE);
    RealDatasetGenerator.Plan enough = RealDatasetGenerator.plan(h, 1000, size, Long.MAX_VALUE);
    assertThat(enough.checkpoints()).isEqualTo(4);
    assertThat(enough.dataBudget()).isEqualTo(size - 4 * full);
    // a little short: the trees are all copied and the set ends a little below the size
    RealDatasetGenerator.Plan near =
        RealDatasetGenerator.plan(h, 1000, size, enough.dataBudget() - full / 4);
    assertThat(near.checkpoints()).isEqualTo(4);
    // far short (no trees at all): one more checkpoint
    RealDatasetGenerator.Plan far = RealDatasetGenerator.plan(h, 1000, size, 0);
    assertThat(far.checkpoints()).isEqualTo(5);
    assertThat(far.dataBudget()).isEqualTo(Math.max(0, size - 5 * full));
  }

  private static byte[] bytes(Path file, String tensor) throws IOException {
    SafetensorsReader.Header h = SafetensorsReader.readHeader(file);
    SafetensorsReader.Entry e = h.entry(tensor);
    byte[] all = Files.readAllBytes(file);
    return Arrays.copyOfRange(
        all, (int) (h.dataStart() + e.begin()), (int) (h.dataStart() + e.end()));
  }

  private static short[] bf16(Path file, String tensor) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes(file, tensor)).order(ByteOrder.LITTLE_ENDIAN);
    short[] out = new short[b.remaining() / 2];
    b.asShortBuffer().get(out);
    return out;
  }

  private static double std(short[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = Bf16.toFloat(v[i]);
    }
    return std(f);
  }

  private static double std(float[] v) {
    double sum = 0;
    double squares = 0;
    for (float x : v) {
      sum += x;
      squares += (double) x * x;
    }
    double mean = sum / v.length;
    return Math.sqrt(squares / v.length - mean * mean);
  }
}
