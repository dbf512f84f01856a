package dev.arca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arca.samples.Bf16;
import dev.arca.samples.Safetensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The real data set: a fine-tuning run's output folder as Hugging Face's Trainer writes it, made
 * from real model weights ({@link RealDatasetGenerator}), and many small real files.
 *
 * <ul>
 *   <li>{@code checkpoints/checkpoint-STEP/}: {@code model-0000K-of-0000N.safetensors} (the model's
 *       tensors, FP32 converted to BF16, the frozen embeddings in their own shard), {@code
 *       model.safetensors.index.json}, {@code optimizer.safetensors} (FP32 Adam {@code exp_avg} and
 *       {@code exp_avg_sq} of each trained tensor), {@code trainer_state.json}, {@code config.json}
 *       and the model's tokenizer files, for several steps of a {@link SimulatedTraining};
 *   <li>{@code data/NAME-VERSION/}: unpacked source distributions (code, documentation, tests).
 * </ul>
 *
 * The training's FP32 master weights and moments stay in memory, so that the benchmark can write
 * the next checkpoint and move one tensor later.
 */
final class RealDataset implements BenchData {
  static final String CHECKPOINTS = "checkpoints";
  static final String DATA = "data";
  static final long MAX_SHARD = 256L << 20;
  static final List<String> TOKENIZER_FILES =
      List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt");

  /** Logging and epoch figures of the simulated run, as a Trainer would record them. */
  private static final int LOGGING_STEPS = 10;

  private static final int STEPS_PER_EPOCH = 2000;
  private static final int EPOCHS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 8 << 20;

  /**
   * The model the weights come from.
   *
   * @param name its name
   * @param origin where it came from, with its licence
   * @param modelDir the folder with its {@code config.json} and tokenizer files
   * @param architecture model type, layers and hidden size, from its config
   * @param parameters FP32 parameters in the file
   * @param tensors tensors in the file
   * @param usedTensors tensors in the data set (the first ones in file order)
   * @param usedParameters their FP32 parameters
   */
  record Model(
      String name,
      String origin,
      Path modelDir,
      String architecture,
      long parameters,
      int tensors,
      int usedTensors,
      long usedParameters) {}

  /**
   * One written checkpoint.
   *
   * @param dir its folder
   * @param bytes size of its files
   * @param files number of its files
   * @param trainedBytes bytes that training changes: the trained tensors' BF16 and the optimizer
   *     state
   * @param trainedTensors trained tensors
   * @param frozenShard the shard of the frozen tensors, or null
   * @param largestShard the largest weight shard
   */
  record Checkpoint(
      Path dir,
      long bytes,
      int files,
      long trainedBytes,
      int trainedTensors,
      Path frozenShard,
      Path largestShard) {}

  private final Path root;
  private final long seed;
  private final Model model;
  private final SimulatedTraining training;
  private final List<Checkpoint> checkpoints = new ArrayList<>();
  private final List<Double> changedFractions = new ArrayList<>();
  private final Map<String, Path> weightMap = new LinkedHashMap<>();
  private List<SourceTrees.Copied> sources = List.of();

  /** Checkpoints written with the set (the benchmark adds one later). */
  private int initialCheckpoints;

  private long dataBytes;
  private int dataFiles;
  private long totalBytes;
  private int fileCount;

  RealDataset(Path root, long seed, Model model, SimulatedTraining training) {
    this.root = root;
    this.seed = seed;
    this.model = model;
    this.training = training;
  }

  /**
   * Runs the training and writes {@code count} checkpoints, {@link SimulatedTraining#SAVE_STEPS}
   * apart.
   */
  void writeCheckpoints(int count) throws IOException {
    for (int i = 0; i < count; i++) {
      changedFractions.add(training.advance(SimulatedTraining.SAVE_STEPS));
      checkpoints.add(writeCheckpoint());
    }
  }

  /**
   * Copies the source trees into {@code data/} until {@code budget} bytes, then sums up the set.
   */
  void writeData(List<SourceTrees.Source> trees, long budget) throws IOException {
    initialCheckpoints = checkpoints.size();
    sources = SourceTrees.copy(trees, root.resolve(DATA), budget);
    dataBytes = sources.stream().mapToLong(SourceTrees.Copied::bytes).sum();
    dataFiles = sources.stream().mapToInt(SourceTrees.Copied::files).sum();
    totalBytes = dataBytes + checkpoints.stream().mapToLong(Checkpoint::bytes).sum();
    fileCount = dataFiles + checkpoints.stream().mapToInt(Checkpoint::files).sum();
  }

  @Override
  public String kind() {
    return "real";
  }

  @Override
  public Path root() {
    return root;
  }

  @Override
  public long totalBytes() {
    return totalBytes;
  }

  @Override
  public int fileCount() {
    return fileCount;
  }

  List<Checkpoint> checkpoints() {
    return List.copyOf(checkpoints);
  }

  SimulatedTraining training() {
    return training;
  }

  Model model() {
    return model;
  }

  /**
   * The mean fraction of trained BF16 values that changed from one checkpoint of the set to the
   * next (the first from the model's own values).
   */
  double changedFraction() {
    return changedFractions.subList(0, initialCheckpoints).stream()
        .mapToDouble(Double::doubleValue)
        .average()
        .orElse(0);
  }

  private Checkpoint latest() {
    return checkpoints.get(checkpoints.size() - 1);
  }

  @Override
  public String describe() {
    return String.join("; ", describeParts());
  }

  /** The set as written, without the checkpoint the benchmark adds later. */
  @Override
  public List<String> describeParts() {
    List<Checkpoint> checkpoints = this.checkpoints.subList(0, initialCheckpoints);
    long cpBytes = checkpoints.stream().mapToLong(Checkpoint::bytes).sum();
    Checkpoint first = checkpoints.get(0);
    List<String> parts = new ArrayList<>();
    parts.add(
        String.format(
            Locale.ROOT,
            "Data set: %s in %,d files, seed %d: %d checkpoint%s %s (%.1f%%), `data/` %s in %,d"
                + " files (%.1f%%)",
            Sizes.format(totalBytes),
            fileCount,
            seed,
            checkpoints.size(),
            checkpoints.size() == 1 ? "" : "s",
            Sizes.format(cpBytes),
            100.0 * cpBytes / totalBytes,
            Sizes.format(dataBytes),
            dataFiles,
            100.0 * dataBytes / totalBytes));
    String used =
        model.usedTensors() == model.tensors()
            ? "all of them used"
            : String.format(
                Locale.ROOT,
                "used: the first %d tensors in file order (%,d parameters), as many as fit the"
                    + " size",
                model.usedTensors(),
                model.usedParameters());
    parts.add(
        String.format(
            Locale.ROOT,
            "Model: %s (%s, %,d FP32 parameters in %d tensors; %s), %s",
            model.name(),
            model.architecture(),
            model.parameters(),
            model.tensors(),
            model.origin(),
            used));
    long frozen = first.frozenShard() == null ? 0 : size(first.frozenShard());
    parts.add(
        String.format(
            Locale.ROOT,
            "Checkpoints `%s/checkpoint-%s/`, as Hugging Face's Trainer writes them, %s each"
                + " (%d files): %d BF16 safetensors shards (FP32 rounded to nearest even, the I64"
                + " position ids as they are; the frozen embeddings in `%s`, %s, byte-identical in"
                + " every checkpoint) with their index, `optimizer.safetensors` (FP32 Adam"
                + " `exp_avg` and `exp_avg_sq` of the %d trained tensors, %s), `trainer_state.json`,"
                + " `config.json` and the tokenizer files",
            CHECKPOINTS,
            checkpoints.stream()
                .map(c -> c.dir().getFileName().toString().substring("checkpoint-".length()))
                .collect(Collectors.joining(",")),
            Sizes.format(first.bytes()),
            first.files(),
            weightShards(first.dir()).size(),
            first.frozenShard() == null ? "-" : first.frozenShard().getFileName(),
            Sizes.format(frozen),
            first.trainedTensors(),
            Sizes.format(size(first.dir().resolve("optimizer.safetensors")))));
    parts.add(
        String.format(
            Locale.ROOT,
            "Training between checkpoints: %d simulated Adam steps (β1 %s, β2 %s, ε %s,"
                + " learning rate %s, no weight decay), each tensor's gradient drawn from N(0, s²)"
                + " with a per-tensor s between 1e-4 and 3e-3; %.1f%% of the trained tensors' BF16"
                + " values changed from one checkpoint to the next (the first: from the model's)",
            SimulatedTraining.SAVE_STEPS,
            SimulatedTraining.BETA1,
            SimulatedTraining.BETA2,
            scientific(SimulatedTraining.EPS),
            scientific(SimulatedTraining.LEARNING_RATE),
            100 * changedFraction()));
    parts.add(
        "`data/`: source distributions from PyPI, unpacked as they are: "
            + sources.stream()
                .map(
                    c ->
                        String.format(
                            Locale.ROOT,
                            "%s %s (%,d files, %s%s)",
                            c.source().name(),
                            c.source().version(),
                            c.files(),
                            Sizes.format(c.bytes()),
                            c.whole() ? "" : ", the first files in name order"))
                .collect(Collectors.joining(", ")));
    return parts;
  }

  /** Moves the largest trained tensor nearest the middle by one interval of training, in place. */
  @Override
  public TensorRewriter.Rewrite rewriteOneTensor(long ignored) throws IOException {
    int index = oneTensorIndex(training.params());
    SimulatedTraining.Param p = training.params().get(index);
    training.advance(index, SimulatedTraining.SAVE_STEPS);
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    return TensorRewriter.rewrite(
        weightMap.get(p.name), p.name, (out, entry) -> writeBf16(out, p.w, buffer));
  }

  /**
   * The tensor the one-tensor step moves: the largest trained matrix, of those the one nearest the
   * middle of the file order.
   */
  static int oneTensorIndex(List<SimulatedTraining.Param> params) {
    int best = -1;
    for (int i = 0; i < params.size(); i++) {
      SimulatedTraining.Param p = params.get(i);
      if (!p.trained) {
        continue;
      }
      if (best < 0
          || p.elements() > params.get(best).elements()
          || (p.elements() == params.get(best).elements()
              && Math.abs(2 * i - params.size()) < Math.abs(2 * best - params.size()))) {
        best = i;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("no trained tensor in the data set");
    }
    return best;
  }

  /** Runs one more interval of training and writes its checkpoint beside the others. */
  @Override
  public NextCheckpoint.Written writeNextCheckpoint(long ignored) throws IOException {
    double changed = training.advance(SimulatedTraining.SAVE_STEPS);
    Checkpoint cp = writeCheckpoint();
    checkpoints.add(cp);
    long frozen = cp.frozenShard() == null ? 0 : size(cp.frozenShard());
    return new NextCheckpoint.Written(
        cp.dir(),
        cp.bytes(),
        cp.trainedBytes(),
        cp.trainedTensors(),
        String.format(
            Locale.ROOT,
            "the %d trained tensors moved by %d more Adam steps (%.1f%% of their BF16 values"
                + " changed) and their optimizer state, together %s; the embeddings shard (%s) and"
                + " the tokenizer files as in the previous checkpoint",
            cp.trainedTensors(),
            SimulatedTraining.SAVE_STEPS,
            100 * changed,
            Sizes.format(cp.trainedBytes()),
            Sizes.format(frozen)),
        "the trained tensors and optimizer state");
  }

  /** The largest shard of the latest checkpoint. */
  @Override
  public String largeFile() {
    return root.relativize(latest().largestShard()).toString();
  }

  @Override
  public String folder() {
    return DATA;
  }

  @Override
  public long folderBytes() {
    return dataBytes;
  }

  @Override
  public int folderFiles() {
    return dataFiles;
  }

  /** The latest checkpoint's folder. */
  @Override
  public Path weightsFolder() {
    return latest().dir();
  }

  @Override
  public String weightsWhat() {
    return "Latest checkpoint alone (BF16 shards, FP32 optimizer state)";
  }

  @Override
  public String label(Step step) {
    return switch (step) {
      case CHECKPOINT -> "new checkpoint, embeddings frozen";
      case WEIGHTS -> "latest checkpoint alone, new repository";
      default -> step.label();
    };
  }

  /** Writes {@code checkpoints/checkpoint-STEP/} from the training's current state. */
  private Checkpoint writeCheckpoint() throws IOException {
    int step = training.globalStep();
    Path dir = Files.createDirectories(root.resolve(CHECKPOINTS).resolve("checkpoint-" + step));
    List<List<SimulatedTraining.Param>> shards = shards(training.params());
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, String> index = new TreeMap<>();
    long tensorBytes = 0;
    long trainedBytes = 0;
    int trainedTensors = 0;
    Path frozenShard = null;
    Path largest = null;
    weightMap.clear();
    for (int i = 0; i < shards.size(); i++) {
      String name =
          String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
      Path file = dir.resolve(name);
      List<Safetensors.Item> items = new ArrayList<>();
      for (SimulatedTraining.Param p : shards.get(i)) {
        items.add(new Safetensors.Item(p.name, storedDtype(p), p.shape, storedBytes(p)));
        index.put(p.name, name);
        weightMap.put(p.name, file);
        tensorBytes += storedBytes(p);
        if (p.trained) {
          trainedBytes += storedBytes(p);
          trainedTensors++;
        }
      }
      try (FileChannel out = Safetensors.create(file, Safetensors.header(items, Safetensors.PT))) {
        for (SimulatedTraining.Param p : shards.get(i)) {
          if (p.w != null) {
            writeBf16(out, p.w, buffer);
          } else {
            Safetensors.writeFully(out, ByteBuffer.wrap(p.raw));
          }
        }
      }
      if (!shards.get(i).get(0).trained) {
        frozenShard = frozenShard == null ? file : frozenShard;
      }
      if (largest == null || Files.size(file) > Files.size(largest)) {
        largest = file;
      }
    }
    ObjectNode indexJson = JSON.createObjectNode();
    indexJson.putObject("metadata").put("total_size", tensorBytes);
    ObjectNode map = indexJson.putObject("weight_map");
    index.forEach(map::put);
    writeJson(dir.resolve("model.safetensors.index.json"), indexJson);
    trainedBytes += writeOptimizer(dir.resolve("optimizer.safetensors"), buffer);
    writeJson(dir.resolve("trainer_state.json"), trainerState(step));
    writeJson(dir.resolve("config.json"), config());
    for (String f : TOKENIZER_FILES) {
      Path from = model.modelDir().resolve(f);
      if (Files.isRegularFile(from)) {
        Files.copy(from, dir.resolve(f));
      }
    }
    int files;
    try (var s = Files.list(dir)) {
      files = (int) s.count();
    }
    return new Checkpoint(
        dir,
        BackupTool.directorySize(dir),
        files,
        trainedBytes,
        trainedTensors,
        frozenShard,
        largest);
  }

  /**
   * The frozen tensors in shards of their own, then the trained ones, each at most {@link
   * #MAX_SHARD}.
   */
  static List<List<SimulatedTraining.Param>> shards(List<SimulatedTraining.Param> params) {
    List<List<SimulatedTraining.Param>> shards = new ArrayList<>();
    for (boolean trained : new boolean[] {false, true}) {
      List<SimulatedTraining.Param> current = new ArrayList<>();
      long size = 0;
      for (SimulatedTraining.Param p : params) {
        if (p.trained != trained) {
          continue;
        }
        if (!current.isEmpty() && size + storedBytes(p) > MAX_SHARD) {
          shards.add(current);
          current = new ArrayList<>();
          size = 0;
        }
        current.add(p);
        size += storedBytes(p);
      }
      if (!current.isEmpty()) {
        shards.add(current);
      }
    }
    return shards;
  }

  static String storedDtype(SimulatedTraining.Param p) {
    return p.w != null ? "BF16" : p.dtype;
  }

  static long storedBytes(SimulatedTraining.Param p) {
    return p.w != null ? 2L * p.w.length : p.raw.length;
  }

  private long writeOptimizer(Path file, ByteBuffer buffer) throws IOException {
    List<Safetensors.Item> items = new ArrayList<>();
    for (SimulatedTraining.Param p : training.params()) {
      if (p.trained) {
        items.add(new Safetensors.Item(p.name + ".exp_avg", "F32", p.shape, 4L * p.m.length));
        items.add(new Safetensors.Item(p.name + ".exp_avg_sq", "F32", p.shape, 4L * p.v.length));
      }
    }
    try (FileChannel out = Safetensors.create(file, Safetensors.header(items, Safetensors.PT))) {
      for (SimulatedTraining.Param p : training.params()) {
        if (p.trained) {
          writeF32(out, p.m, buffer);
          writeF32(out, p.v, buffer);
        }
      }
      return out.position();
    }
  }

  /** Writes {@code values} as little-endian BF16. */
  static void writeBf16(FileChannel out, float[] values, ByteBuffer buffer) throws IOException {
    for (int at = 0; at < values.length; ) {
      int n = Math.min(buffer.capacity() / 2, values.length - at);
      buffer.clear();
      Bf16.encode(values, at, n, buffer);
      buffer.flip();
      Safetensors.writeFully(out, buffer);
      at += n;
    }
  }

  private static void writeF32(FileChannel out, float[] values, ByteBuffer buffer)
      throws IOException {
    for (int at = 0; at < values.length; ) {
      int n = Math.min(buffer.capacity() / 4, values.length - at);
      buffer.clear();
      buffer.asFloatBuffer().put(values, at, n);
      buffer.limit(4 * n);
      Safetensors.writeFully(out, buffer);
      at += n;
    }
  }

  /** The Trainer's state after {@code step} steps, keys sorted as it writes them. */
  private ObjectNode trainerState(int step) {
    ObjectNode s = JSON.createObjectNode();
    s.putNull("best_metric");
    s.putNull("best_model_checkpoint");
    s.put("epoch", round((double) step / STEPS_PER_EPOCH));
    s.put("eval_steps", 500);
    s.put("global_step", step);
    s.put("is_hyper_param_search", false);
    s.put("is_local_process_zero", true);
    s.put("is_world_process_zero", true);
    ArrayNode log = s.putArray("log_history");
    for (int at = LOGGING_STEPS; at <= step; at += LOGGING_STEPS) {
      SplittableRandom r = new SplittableRandom(SimulatedTraining.mix(seed, -2, at));
      ObjectNode e = log.addObject();
      e.put("epoch", round((double) at / STEPS_PER_EPOCH));
      e.put("grad_norm", round(1.2 + 0.25 * r.nextGaussian()));
      e.put("learning_rate", SimulatedTraining.LEARNING_RATE);
      e.put("loss", round(0.35 + 0.9 * Math.exp(-at / 400.0) + 0.03 * r.nextGaussian()));
      e.put("step", at);
    }
    s.put("logging_steps", LOGGING_STEPS);
    s.put("max_steps", EPOCHS * STEPS_PER_EPOCH);
    s.put("num_input_tokens_seen", 0);
    s.put("num_train_epochs", EPOCHS);
    s.put("save_steps", SimulatedTraining.SAVE_STEPS);
    ObjectNode control = s.putObject("stateful_callbacks").putObject("TrainerControl");
    ObjectNode args = control.putObject("args");
    args.put("should_epoch_stop", false);
    args.put("should_evaluate", false);
    args.put("should_log", false);
    args.put("should_save", true);
    args.put("should_training_stop", false);
    control.putObject("attributes");
    s.put("total_flos", 6.0 * model.usedParameters() * 16 * 128 * step);
    s.put("train_batch_size", 16);
    s.putNull("trial_name");
    s.putNull("trial_params");
    return s;
  }

  /** The model's config.json with {@code torch_dtype} bfloat16, keys sorted. */
  private JsonNode config() throws IOException {
    Path file = model.modelDir().resolve("config.json");
    Map<String, JsonNode> sorted = new TreeMap<>();
    if (Files.isRegularFile(file)) {
      JsonNode original = JSON.readTree(file.toFile());
      for (Map.Entry<String, JsonNode> e : original.properties()) {
        sorted.put(e.getKey(), e.getValue());
      }
    }
    sorted.put("torch_dtype", JSON.getNodeFactory().textNode("bfloat16"));
    ObjectNode c = JSON.createObjectNode();
    c.setAll(sorted);
    return c;
  }

  /** {@code 5e-5} for 5.0E-5. */
  static String scientific(double x) {
    return String.format(Locale.ROOT, "%.0e", x)
        .replaceFirst("e([-+])0*(\\d)", "e$1$2")
        .replace("e+", "e");
  }

  private static double round(double x) {
    return Math.round(x * 1e4) / 1e4;
  }

  private static void writeJson(Path file, JsonNode node) throws IOException {
    JSON.writer(TextFiles.prettyPrinter()).writeValue(file.toFile(), node);
  }

  /** The model shards in {@code dir}, in name order. */
  static List<Path> weightShards(Path dir) {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("model-\\d+-of-\\d+\\.safetensors"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
