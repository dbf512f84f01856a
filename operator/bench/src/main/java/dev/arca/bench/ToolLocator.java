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
    Path script = repoRoot.resolve(".ci/go-tools.sh");
    System.err.println(
        "bench: getting " + tool + " from " + script + " (a first build takes minutes)");
    CommandRunner.Captured c =
        CommandRunner.capture(List.of("bash", script.toString(), tool), Map.of());
    System.err.print(c.stderr());
    List<String> lines = c.stdout().lines().filter(l -> !l.isBlank()).toList();
    if (c.exitCode() != 0 || lines.isEmpty()) {
      throw new CommandRunner.Failure(
          script + " " + tool + " failed with exit code " + c.exitCode() + ":\n" + c.all());
    }
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
}
