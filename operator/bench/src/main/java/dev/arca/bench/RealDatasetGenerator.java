package dev.arca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the real data set ({@link RealDataset}) of about a requested size from a real model's
 * safetensors file and unpacked source trees.
 *
 * <p>Sizing: a checkpoint (the model in BF16, FP32 Adam moments of the trained tensors, small
 * files) takes about 78% of the size, so the checkpoint count is that share over one checkpoint's
 * size, rounded (at least one; more while the source trees fall short of the rest by over half a
 * checkpoint), and {@code data/} gets what is left, as far as the trees go. When even one
 * checkpoint is larger than the share, the checkpoint holds the tensors that fit, in file order.
 * The same seed, size and inputs always give the same bytes.
 */
final class RealDatasetGenerator {
  static final double WEIGHTS_SHARE = 0.78;

  /** The tensors kept frozen (no gradient, no optimizer state): the embeddings. */
  static boolean frozen(String tensor) {
    return tensor.startsWith("embeddings.") || tensor.contains(".embeddings.");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final long seed;

  RealDatasetGenerator(long seed) {
    this.seed = seed;
  }

  /**
   * How the size is split.
   *
   * @param tensors the tensors used, a prefix of the file's in file order
   * @param checkpoints how many checkpoints the set starts with
   * @param checkpointBytes the estimated size of one
   * @param dataBudget bytes for {@code data/}
   */
  record Plan(
      List<SafetensorsReader.Entry> tensors,
      int checkpoints,
      long checkpointBytes,
      long dataBudget) {}

  /**
   * Splits {@code size} between checkpoints of the {@code header}'s tensors (plus {@code
   * smallFiles} bytes of config and tokenizer each) and at most {@code available} bytes of source
   * trees.
   */
  static Plan plan(SafetensorsReader.Header header, long smallFiles, long size, long available) {
    long share = (long) (size * WEIGHTS_SHARE);
    long full = smallFiles;
    for (SafetensorsReader.Entry e : header.entries()) {
      full += checkpointCost(e);
    }
    if (full > share) {
      // not even one checkpoint fits: the tensors that do, in file order (at least one)
      List<SafetensorsReader.Entry> used = new ArrayList<>();
      long checkpoint = smallFiles;
      for (SafetensorsReader.Entry e : header.entries()) {
        if (!used.isEmpty() && checkpoint + checkpointCost(e) > share) {
          break;
        }
        used.add(e);
        checkpoint += checkpointCost(e);
      }
      return new Plan(List.copyOf(used), 1, checkpoint, Math.max(0, size - checkpoint));
    }
    long count = Math.max(1, Math.round((double) share / full));
    // one more checkpoint while the source trees fall short of the rest by over half of one
    while (size - count * full - available > full / 2) {
      count++;
    }
    return new Plan(header.entries(), (int) count, full, Math.max(0, size - count * full));
  }

  /** Bytes a tensor adds to a checkpoint: BF16 weights, plus FP32 Adam moments when trained. */
  static long checkpointCost(SafetensorsReader.Entry e) {
    if (!e.dtype().equals("F32")) {
      return e.size();
    }
    return e.elements() * 2 + (frozen(e.name()) ? 0 : e.elements() * 8);
  }

  /**
   * Writes the set into {@code root} from the model file {@code weights} (with its config and
   * tokenizer files beside it) and the source trees, about {@code size} bytes.
   */
  RealDataset generate(
      Path root,
      long size,
      Path weights,
      String modelName,
      String modelOrigin,
      List<SourceTrees.Source> sources)
      throws IOException {
    SafetensorsReader.Header header = SafetensorsReader.readHeader(weights);
    Path modelDir = weights.toAbsolutePath().getParent();
    long smallFiles = 64 << 10;
    for (String f : RealDataset.TOKENIZER_FILES) {
      Path p = modelDir.resolve(f);
      smallFiles += Files.isRegularFile(p) ? Files.size(p) : 0;
    }
    Plan plan = plan(header, smallFiles, size, SourceTrees.available(sources));
    List<SimulatedTraining.Param> params = load(weights, header, plan.tensors(), seed);
    long parameters =
        header.entries().stream()
            .filter(e -> e.dtype().equals("F32"))
            .mapToLong(SafetensorsReader.Entry::elements)
            .sum();
    long usedParameters =
        plan.tensors().stream()
            .filter(e -> e.dtype().equals("F32"))
            .mapToLong(SafetensorsReader.Entry::elements)
            .sum();
    RealDataset.Model model =
        new RealDataset.Model(
            modelName,
            modelOrigin,
            modelDir,
            architecture(modelDir.resolve("config.json")),
            parameters,
            header.entries().size(),
            plan.tensors().size(),
            usedParameters);
    RealDataset set =
        new RealDataset(
            Files.createDirectories(root), seed, model, new SimulatedTraining(params, seed));
    set.writeCheckpoints(plan.checkpoints());
    long checkpoints = set.checkpoints().stream().mapToLong(RealDataset.Checkpoint::bytes).sum();
    set.writeData(sources, Math.max(0, size - checkpoints));
    return set;
  }

  /** The tensors {@code used} of the file as training parameters, F32 ones as floats. */
  static List<SimulatedTraining.Param> load(
      Path file, SafetensorsReader.Header header, List<SafetensorsReader.Entry> used, long seed)
      throws IOException {
    List<SimulatedTraining.Param> params = new ArrayList<>();
    ByteBuffer chunk = ByteBuffer.allocate(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int i = 0; i < used.size(); i++) {
        SafetensorsReader.Entry e = used.get(i);
        if (e.size() > Integer.MAX_VALUE - 16) {
          throw new IOException(e.name() + " is too large for one array: " + e.size() + " bytes");
        }
        long at = header.dataStart() + e.begin();
        if (e.dtype().equals("F32")) {
          float[] w = new float[(int) e.elements()];
          for (int done = 0; done < w.length; ) {
            int n = Math.min(chunk.capacity() / 4, w.length - done);
            chunk.clear().limit(4 * n);
            SafetensorsReader.readFully(in, chunk, at + 4L * done);
            chunk.flip();
            chunk.asFloatBuffer().get(w, done, n);
            done += n;
          }
          boolean trained = !frozen(e.name());
          params.add(
              new SimulatedTraining.Param(
                  e.name(),
                  e.dtype(),
                  e.shape(),
                  w,
                  null,
                  trained,
                  trained ? SimulatedTraining.gradScale(seed, i) : 0));
        } else {
          ByteBuffer raw = ByteBuffer.allocate((int) e.size());
          SafetensorsReader.readFully(in, raw, at);
          params.add(
              new SimulatedTraining.Param(
                  e.name(), e.dtype(), e.shape(), null, raw.array(), false, 0));
        }
      }
    }
    return params;
  }

  /** "mpnet, 12 layers, hidden 768" from a config.json, or "" without one. */
  static String architecture(Path config) throws IOException {
    if (!Files.isRegularFile(config)) {
      return "architecture unknown";
    }
    JsonNode c = JSON.readTree(config.toFile());
    return String.format(
        Locale.ROOT,
        "%s, %d layers, hidden %d",
        c.path("model_type").asText("unknown"),
        c.path("num_hidden_layers").asInt(),
        c.path("hidden_size").asInt());
  }
}
