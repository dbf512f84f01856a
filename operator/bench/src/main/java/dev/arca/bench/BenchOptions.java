package dev.arca.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Command line options of {@link Benchmark}.
 *
 * @param size target data set size in bytes
 * @param work working folder (null: a new temp folder under /tmp)
 * @param arca the arca launcher
 * @param restic the restic binary (null: build it with {@code .ci/go-tools.sh restic})
 * @param kopia the kopia binary (null: build it with {@code .ci/go-tools.sh kopia})
 * @param out where to write the Markdown report (null: standard output)
 * @param chart where to write the SVG chart (null: no chart)
 * @param keep keep the working folder at the end
 * @param seed data set seed
 * @param tools which tools to run, in order
 * @param repoRoot the Arca checkout (for defaults), or null if not found
 * @param store where repositories go: {@code file} (local folders) or {@code minio}
 * @param minio the MinIO binary (null: build it with {@code .ci/go-tools.sh minio})
 * @param data the data sets to measure, in order: {@code synthetic} and/or {@code real}
 */
public record BenchOptions(
    long size,
    Path work,
    Path arca,
    Path restic,
    Path kopia,
    Path out,
    Path chart,
    boolean keep,
    long seed,
    List<String> tools,
    Path repoRoot,
    String store,
    Path minio,
    List<String> data) {

  /** Thrown for a bad command line; the message says what is wrong. */
  public static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The usage text. */
  public static final String USAGE =
      """
      usage: run.sh [--size 2g] [--work DIR] [--keep] [--arca PATH] [--restic PATH]
                    [--kopia PATH] [--out FILE] [--chart FILE] [--seed N]
                    [--tools arca,restic,kopia] [--store file|minio] [--minio PATH]
                    [--data synthetic|real|both]
        --size    size of each data set, with k/m/g suffix (default 2g)
        --work    empty or missing folder for data, repositories and logs
                  (default: a new folder under /tmp); removed at the end unless --keep
        --keep    keep the working folder (data set, repositories, command logs)
        --arca    the arca launcher script (default operator/cli/target/arca)
        --restic  a restic binary (default: built by .ci/go-tools.sh restic)
        --kopia   a kopia binary (default: built by .ci/go-tools.sh kopia)
        --out     write the Markdown report here (default: standard output)
        --chart   write an SVG chart of speed relative to restic here (default: next to
                  --out, with .svg for .md; none without --out); with two data sets,
                  one chart each, X-synthetic.svg and X-real.svg
        --seed    seed of the generated data set (default 42)
        --tools   the tools to run, comma-separated (default arca,restic,kopia)
        --store   where the repositories go: file (local folders, the default) or
                  minio (a bucket per repository in a MinIO started on 127.0.0.1)
        --minio   a MinIO binary (default: built by .ci/go-tools.sh minio)
        --data    which data set: synthetic (generated LLM-like files), real (checkpoints
                  of real model weights and real source trees, downloaded once by
                  .ci/bench-data.sh) or both, one after the other (default both)
      """;

  /** Parses {@code args}; {@code --name value} and {@code --name=value} are both accepted. */
  public static BenchOptions parse(String[] args) throws UsageException {
    Path root = findRepoRoot();
    long size = 2L << 30;
    Path work = null;
    Path arca = root == null ? null : root.resolve("operator/cli/target/arca");
    Path restic = null;
    Path kopia = null;
    Path out = null;
    Path chart = null;
    boolean keep = false;
    long seed = 42;
    List<String> tools = List.of("arca", "restic", "kopia");
    String store = "file";
    Path minio = null;
    List<String> data = List.of("synthetic", "real");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      if (arg.equals("--keep")) {
        keep = true;
        continue;
      }
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new UsageException("");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("missing value for " + arg);
        }
        value = args[++i];
      }
      try {
        switch (arg) {
          case "--size" -> size = Sizes.parse(value);
          case "--work" -> work = Path.of(value).toAbsolutePath();
          case "--arca" -> arca = Path.of(value).toAbsolutePath();
          case "--restic" -> restic = Path.of(value).toAbsolutePath();
          case "--kopia" -> kopia = Path.of(value).toAbsolutePath();
          case "--out" -> out = Path.of(value).toAbsolutePath();
          case "--chart" -> chart = Path.of(value).toAbsolutePath();
          case "--seed" -> seed = Long.parseLong(value);
          case "--tools" -> tools = parseTools(value);
          case "--store" -> store = parseStore(value);
          case "--minio" -> minio = Path.of(value).toAbsolutePath();
          case "--data" -> data = parseData(value);
          default -> throw new UsageException("unknown option " + arg);
        }
      } catch (IllegalArgumentException e) {
        throw new UsageException(arg + ": " + e.getMessage());
      }
    }
    if (tools.contains("arca") && arca == null) {
      throw new UsageException("cannot find the Arca checkout: pass --arca");
    }
    if (chart == null && out != null) {
      String name = out.getFileName().toString().replaceFirst("\\.md$", "") + ".svg";
      chart = out.resolveSibling(name);
    }
    return new BenchOptions(
        size, work, arca, restic, kopia, out, chart, keep, seed, tools, root, store, minio, data);
  }

  private static List<String> parseData(String value) {
    return switch (value) {
      case "synthetic" -> List.of("synthetic");
      case "real" -> List.of("real");
      case "both" -> List.of("synthetic", "real");
      default -> throw new IllegalArgumentException("synthetic, real or both, not " + value);
    };
  }

  /**
   * Where the chart of data set {@code kind} goes: {@link #chart()} itself when the run measures
   * one set, else with {@code -KIND} before its extension ({@code X.svg} becomes {@code
   * X-synthetic.svg}); null without a chart.
   */
  public Path chartOf(String kind) {
    if (chart == null || data.size() == 1) {
      return chart;
    }
    String name = chart.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return chart.resolveSibling(
        dot > 0 ? name.substring(0, dot) + "-" + kind + name.substring(dot) : name + "-" + kind);
  }

  private static String parseStore(String value) {
    if (!List.of("file", "minio").contains(value)) {
      throw new IllegalArgumentException("a store is file or minio, not " + value);
    }
    return value;
  }

  private static List<String> parseTools(String value) {
    List<String> tools = List.of(value.split(","));
    if (tools.isEmpty() || !List.of("arca", "restic", "kopia").containsAll(tools)) {
      throw new IllegalArgumentException("tools are arca, restic and/or kopia, not " + value);
    }
    return tools.stream().distinct().toList();
  }

  /**
   * The checkout: the {@code arca.root} system property (run.sh sets it), else the first folder
   * upwards from the current one that holds {@code .ci/go-tools.sh}.
   */
  static Path findRepoRoot() {
    String property = System.getProperty("arca.root");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(".ci/go-tools.sh"))) {
        return p;
      }
    }
    return null;
  }
}
