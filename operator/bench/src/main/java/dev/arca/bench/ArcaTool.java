package dev.arca.bench;

import dev.arca.contract.Received;
import dev.arca.contract.SnapshotsReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The arca CLI through its launcher script, with a {@code file://} repository on local disk or an
 * {@code s3://} one in MinIO (endpoint from {@code AWS_ENDPOINT_URL}). The password goes through
 * {@code ARCA_PASSWORD}; the launcher picks the JVM from {@code JAVA_HOME}.
 */
public final class ArcaTool extends BackupTool {
  private static final List<String> BACKUP_FIELDS =
      List.of(
          "mode",
          "files",
          "dirs",
          "unchangedFiles",
          "bytes",
          "newBytes",
          "storedBytes",
          "durationMs");
  private static final List<String> BACKUP_BYTES = List.of("bytes", "newBytes", "storedBytes");

  private final Path launcher;

  /** arca run through {@code launcher}, keeping its repository under {@code home}. */
  public ArcaTool(Path launcher, CommandRunner runner, Path home, Location where)
      throws IOException {
    super(runner, home, where);
    this.launcher = launcher;
  }

  @Override
  public String name() {
    return "arca";
  }

  @Override
  Map<String, String> toolEnv() {
    // XDG_CACHE_HOME keeps any local cache inside the benchmark's folder.
    Map<String, String> env = new java.util.HashMap<>();
    env.put("ARCA_PASSWORD", PASSWORD);
    env.put("XDG_CACHE_HOME", home().resolve("cache").toString());
    if (location().isS3()) {
      env.put("AWS_ENDPOINT_URL", location().minio().endpoint());
    }
    return env;
  }

  /** The repository URL, {@code file:///abs/path} or {@code s3://BUCKET/repo}. */
  public String repoUrl() {
    if (location().isS3()) {
      return "s3://" + location().bucket() + "/repo";
    }
    return repoDir().toAbsolutePath().toUri().toString().replaceFirst("/$", "");
  }

  private List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  @Override
  public StepResult init() throws Exception {
    return step("init", command("init", "--repo", repoUrl()), out -> "");
  }

  @Override
  public StepResult backup(Path dataset, boolean first) throws Exception {
    List<String> cmd = command("backup", "--repo", repoUrl());
    if (first) {
      cmd.add("--full");
    }
    cmd.addAll(List.of("--host", "bench", "--json", dataset.toString()));
    return step(
        first ? "backup-full" : "backup",
        cmd,
        out -> fields(lastJsonObject(out), BACKUP_FIELDS, BACKUP_BYTES));
  }

  @Override
  public StepResult restore(Path target) throws Exception {
    return step(
        "restore",
        restoreCommand(target),
        out ->
            fields(
                lastJsonObject(out),
                List.of("files", "written", "bytes", "durationMs"),
                List.of("bytes")));
  }

  @Override
  public StepResult restorePart(Path target, Path dataset, String rel) throws Exception {
    // an include takes everything below a folder it names
    List<String> cmd = restoreCommand(target);
    cmd.addAll(List.of("--include", dataset.getFileName() + "/" + rel));
    return step(
        "restore-part",
        cmd,
        out ->
            fields(lastJsonObject(out), List.of("files", "bytes", "durationMs"), List.of("bytes")));
  }

  private List<String> restoreCommand(Path target) {
    return command(
        "restore", "--repo", repoUrl(), "latest", "--target", target.toString(), "--json");
  }

  /** arca stores each backed-up folder under its base name. */
  @Override
  public Path restoredDataset(Path target, Path dataset) {
    return target.resolve(dataset.getFileName().toString());
  }

  @Override
  public String version() throws Exception {
    CommandRunner.Captured c = CommandRunner.capture(command("--version"), env());
    return c.exitCode() == 0
        ? c.all().lines().findFirst().orElse("(empty)")
        : "unknown (arca --version exited with " + c.exitCode() + ")";
  }

  @Override
  public int snapshotCount() throws Exception {
    String out = helper(command("snapshots", "--repo", repoUrl(), "--json"));
    SnapshotsReport r = Received.parse(out).as(SnapshotsReport.class);
    if (r == null || r.snapshots() == null) {
      throw new CommandRunner.Failure("arca snapshots --json printed no list: " + out.strip());
    }
    return r.snapshots().size();
  }
}
