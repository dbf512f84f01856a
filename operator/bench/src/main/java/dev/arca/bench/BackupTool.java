package dev.arca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A backup program under test, with its own repository in its own folder. */
public abstract class BackupTool {
  /** The password both tools' repositories are created with (passed through the environment). */
  public static final String PASSWORD = "arca-bench-password";

  static final ObjectMapper JSON = new ObjectMapper();

  private final CommandRunner runner;
  private final Path home;
  private final Location location;

  /** A tool keeping its cache and restores under {@code home}, its repository at {@code where}. */
  BackupTool(CommandRunner runner, Path home, Location where) throws IOException {
    this.runner = runner;
    this.home = Files.createDirectories(home);
    this.location = where;
  }

  /** The tool's name. */
  public abstract String name();

  /** Creates the repository. */
  public abstract StepResult init() throws Exception;

  /** Backs up {@code dataset}; {@code first} marks the initial full backup. */
  public abstract StepResult backup(Path dataset, boolean first) throws Exception;

  /** Restores the latest snapshot into the empty folder {@code target}. */
  public abstract StepResult restore(Path target) throws Exception;

  /**
   * Restores only {@code rel} (a file or a folder, relative to the backed-up folder {@code
   * dataset}) of the latest snapshot into the empty folder {@code target}, where {@link
   * #restoredDataset} finds it.
   */
  public abstract StepResult restorePart(Path target, Path dataset, String rel) throws Exception;

  /** Where a restore into {@code target} puts the backed-up folder {@code dataset}. */
  public abstract Path restoredDataset(Path target, Path dataset);

  /** The tool's version line. */
  public abstract String version() throws Exception;

  /** Number of snapshots in the repository. */
  public abstract int snapshotCount() throws Exception;

  /** Environment variables the tool runs with, besides the repository's credentials. */
  abstract Map<String, String> toolEnv();

  /** Environment variables the tool runs with. */
  Map<String, String> env() {
    Map<String, String> env = new java.util.HashMap<>(toolEnv());
    if (location.isS3()) {
      env.putAll(location.minio().credentials());
    }
    return env;
  }

  /** The tool's folder: repository, cache, restore target. */
  public Path home() {
    return home;
  }

  /** Where the repository is. */
  public Location location() {
    return location;
  }

  /** The repository folder of a local repository. */
  Path repoDir() {
    if (location.isS3()) {
      throw new IllegalStateException(name() + "'s repository is in a bucket");
    }
    return location.dir();
  }

  /**
   * Runs a measured step and records the repository size after it, and for a repository in MinIO
   * the bytes the server received and the CPU time it used meanwhile.
   */
  StepResult step(
      String label, List<String> command, java.util.function.Function<String, String> details)
      throws Exception {
    long received = location.received();
    double serverCpu = location.serverCpu();
    CommandRunner.Result r = runner.run(name() + "-" + label, command, env());
    return new StepResult(
        r.seconds(),
        r.peakRssKb(),
        r.cpuSeconds(),
        r.writtenBytes(),
        location.size(),
        location.isS3() ? location.received() - received : -1,
        location.serverCpu() - serverCpu,
        details.apply(r.stdout()));
  }

  /** Runs an unmeasured helper command, failing if it fails. */
  String helper(List<String> command) throws Exception {
    CommandRunner.Captured c = CommandRunner.capture(command, env());
    if (c.exitCode() != 0) {
      throw new CommandRunner.Failure(
          String.join(" ", command) + " failed with exit code " + c.exitCode() + ":\n" + c.all());
    }
    return c.stdout();
  }

  /** Total size of the regular files under {@code dir}. */
  public static long directorySize(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /**
   * The JSON object a command printed: the whole output if it is one, else the last line that is
   * one (null if there is none).
   */
  static JsonNode lastJsonObject(String stdout) {
    try {
      JsonNode whole = JSON.readTree(stdout);
      if (whole != null && whole.isObject()) {
        return whole;
      }
    } catch (IOException e) {
      // several lines or other text: look at the lines
    }
    List<String> lines = stdout.lines().filter(l -> l.startsWith("{")).toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      try {
        return JSON.readTree(lines.get(i));
      } catch (IOException e) {
        // not JSON after all
      }
    }
    return null;
  }

  /** {@code key=value} for each present field of {@code node}, sizes printed in binary units. */
  static String fields(JsonNode node, List<String> keys, List<String> byteKeys) {
    if (node == null) {
      return "(no JSON summary in the output)";
    }
    StringBuilder sb = new StringBuilder();
    for (String key : keys) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(", ");
      }
      String text = byteKeys.contains(key) && v.isNumber() ? Sizes.format(v.asLong()) : v.asText();
      sb.append(key).append('=').append(text);
    }
    return sb.toString();
  }
}
