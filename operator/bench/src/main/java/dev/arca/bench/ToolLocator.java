package dev.arca.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Finds a competitor's binary (restic, kopia): given on the command line, or built by {@code
 * .ci/go-tools.sh} at its pinned version.
 */
public final class ToolLocator {
  private ToolLocator() {}

  /**
   * A binary and where it came from.
   *
   * @param binary its path
   * @param origin how it was obtained, for the report
   */
  public record Located(Path binary, String origin) {}

  /** {@code given} if not null, else the last stdout line of {@code .ci/go-tools.sh TOOL}. */
  public static Located locate(String tool, Path given, Path repoRoot) throws Exception {
    if (given != null) {
      return new Located(given, "given with --" + tool);
    }
    if (repoRoot == null) {
      throw new CommandRunner.Failure("cannot find .ci/go-tools.sh: pass --" + tool);
    }
    System.err.println(
        "bench: getting " + tool + " from .ci/go-tools.sh (a first build takes minutes)");
    CommandRunner.Captured c = runScript(repoRoot, "go-tools.sh", tool);
    List<String> lines = c.stdout().lines().filter(l -> !l.isBlank()).toList();
    Path script = repoRoot.resolve(".ci/go-tools.sh");
    Path binary = Path.of(lines.get(lines.size() - 1).strip());
    if (!Files.isExecutable(binary)) {
      throw new CommandRunner.Failure(script + " printed " + binary + ", which is not executable");
    }
    String source =
        c.stderr()
            .lines()
            .filter(l -> l.contains("source: "))
            .map(l -> l.substring(l.indexOf("source: ") + 8).strip())
            .reduce((first, second) -> second)
            .orElse("unknown");
    String origin =
        switch (source) {
          case "go", "cache-go" -> "built from source with Go by .ci/go-tools.sh";
          case "debian" -> "Debian's package (fallback: the Go build in .ci/go-tools.sh failed)";
          default -> "from .ci/go-tools.sh (source not reported)";
        };
    return new Located(binary, origin);
  }

  /**
   * Runs {@code .ci/SCRIPT ARG} of the checkout {@code repoRoot}, passes its standard error on and
   * returns its output; fails when it fails or prints nothing.
   */
  static CommandRunner.Captured runScript(Path repoRoot, String script, String arg)
      throws Exception {
    if (repoRoot == null) {
      throw new CommandRunner.Failure("cannot find .ci/" + script + ": run from the Arca checkout");
    }
    Path path = repoRoot.resolve(".ci").resolve(script);
    CommandRunner.Captured c =
        CommandRunner.capture(List.of("bash", path.toString(), arg), Map.of());
    System.err.print(c.stderr());
    if (c.exitCode() != 0 || c.stdout().isBlank()) {
      throw new CommandRunner.Failure(
          path + " " + arg + " failed with exit code " + c.exitCode() + ":\n" + c.all());
    }
    return c;
  }

  /** The real model's safetensors file, fetched once by {@code .ci/bench-data.sh weights}. */
  static Path weights(Path repoRoot) throws Exception {
    List<String> lines =
        runScript(repoRoot, "bench-data.sh", "weights")
            .stdout()
            .lines()
            .filter(l -> !l.isBlank())
            .toList();
    Path file = Path.of(lines.get(lines.size() - 1).strip());
    if (!Files.isRegularFile(file)) {
      throw new CommandRunner.Failure(".ci/bench-data.sh weights printed " + file + ", not a file");
    }
    return file;
  }

  /** The unpacked source trees, fetched once by {@code .ci/bench-data.sh sources}, in order. */
  static List<SourceTrees.Source> sources(Path repoRoot) throws Exception {
    List<SourceTrees.Source> sources = new java.util.ArrayList<>();
    for (String line : runScript(repoRoot, "bench-data.sh", "sources").stdout().lines().toList()) {
      String[] f = line.split("\t");
      if (f.length == 2 && Files.isDirectory(Path.of(f[0]))) {
        sources.add(SourceTrees.Source.of(Path.of(f[0]), f[1]));
      }
    }
    if (sources.isEmpty()) {
      throw new CommandRunner.Failure(".ci/bench-data.sh sources listed no source tree");
    }
    return sources;
  }
}
