package dev.arca.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs commands under {@code /usr/bin/time} for their wall time and peak resident set size, with
 * standard input from /dev/null and the output kept in a log folder.
 */
public final class CommandRunner {
  /** GNU time, which reports the peak RSS of the command and the processes it waited for. */
  public static final Path TIME = Path.of("/usr/bin/time");

  private final Path logDir;
  private int count;
  private BeforeStep beforeStep = () -> {};

  /** Work done, untimed, before each measured command (such as dropping the page cache). */
  @FunctionalInterface
  public interface BeforeStep {
    /** Prepares the machine for the next measured command. */
    void run() throws IOException, InterruptedException;
  }

  /** A runner that keeps each command's output and timing in {@code logDir}. */
  public CommandRunner(Path logDir) throws IOException {
    this.logDir = Files.createDirectories(logDir);
  }

  /**
   * A measured command's outcome: wall time, peak RSS, CPU time (user + system, of the command and
   * the processes it waited for) and bytes it wrote to files (the kernel's count of pages it
   * dirtied, {@code ru_oublock} x 512).
   */
  public record Result(
      double seconds,
      long peakRssKb,
      double cpuSeconds,
      long writtenBytes,
      String stdout,
      String stderr) {}

  /** A command that exited non-zero (or could not be measured). */
  public static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }
  }

  /** Sets what runs, untimed, before each measured command. */
  public void beforeEachStep(BeforeStep before) {
    this.beforeStep = before;
  }

  /** Runs {@code command} with {@code env} added to this process's environment and measures it. */
  public Result run(String label, List<String> command, Map<String, String> env)
      throws IOException, InterruptedException, Failure {
    String base = String.format(Locale.ROOT, "%02d-%s", ++count, label.replaceAll("\\W+", "-"));
    Path out = logDir.resolve(base + ".out");
    Path err = logDir.resolve(base + ".err");
    Path time = logDir.resolve(base + ".time");
    List<String> timed = new ArrayList<>(List.of(TIME.toString(), "-f", "%e %M %U %S %O", "-o"));
    timed.add(time.toString());
    timed.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(timed);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    beforeStep.run();
    int rc = pb.start().waitFor();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    if (rc != 0) {
      throw new Failure(
          String.format(
              Locale.ROOT,
              "%s failed with exit code %d: %s%n--- stderr ---%n%s%n--- stdout (end) ---%n%s",
              label,
              rc,
              String.join(" ", command),
              stderr.strip(),
              tail(stdout, 4000)));
    }
    List<String> lines = Files.readAllLines(time).stream().filter(l -> !l.isBlank()).toList();
    String[] fields = lines.isEmpty() ? new String[0] : lines.get(lines.size() - 1).split("\\s+");
    if (fields.length != 5) {
      throw new Failure(label + ": cannot read /usr/bin/time output " + lines);
    }
    return new Result(
        Double.parseDouble(fields[0]),
        Long.parseLong(fields[1]),
        Double.parseDouble(fields[2]) + Double.parseDouble(fields[3]),
        Long.parseLong(fields[4]) * 512,
        stdout,
        stderr);
  }

  /** Runs a short helper command unmeasured and returns its exit code and output. */
  public static Captured capture(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path out = Files.createTempFile("arca-bench-", ".out");
    Path err = Files.createTempFile("arca-bench-", ".err");
    try {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      int rc = pb.start().waitFor();
      return new Captured(rc, Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The outcome of {@link #capture}. */
  public record Captured(int exitCode, String stdout, String stderr) {
    /** Standard output and error together, trimmed. */
    public String all() {
      return (stdout + stderr).strip();
    }
  }

  private static String tail(String s, int max) {
    return s.length() <= max ? s.strip() : "..." + s.substring(s.length() - max).strip();
  }
}
