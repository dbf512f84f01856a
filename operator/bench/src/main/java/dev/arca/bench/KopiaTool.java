package dev.arca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kopia, with a filesystem or S3 (MinIO) repository, its config, cache and logs in its own folder.
 * Its global policy gets zstd compression (kopia compresses nothing by default; restic and arca
 * do), so the three store comparable bytes; everything else is kopia's default.
 */
public final class KopiaTool extends BackupTool {
  private final Path binary;

  public KopiaTool(Path binary, CommandRunner runner, Path home, Location where)
      throws IOException {
    super(runner, home, where);
    this.binary = binary;
  }

  @Override
  public String name() {
    return "kopia";
  }

  @Override
  Map<String, String> toolEnv() {
    return Map.of(
        "KOPIA_PASSWORD", PASSWORD,
        "KOPIA_CONFIG_PATH", home().resolve("repository.config").toString(),
        "KOPIA_CACHE_DIRECTORY", home().resolve("cache").toString(),
        "KOPIA_LOG_DIR", home().resolve("logs").toString(),
        "KOPIA_CHECK_FOR_UPDATES", "false");
  }

  private List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(binary.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  @Override
  public StepResult init() throws Exception {
    StepResult r =
        step(
            "init",
            location().isS3()
                ? command(
                    "repository",
                    "create",
                    "s3",
                    "--bucket",
                    location().bucket(),
                    "--endpoint",
                    location().minio().hostPort(),
                    "--disable-tls")
                : command("repository", "create", "filesystem", "--path", repoDir().toString()),
            out -> "");
    helper(command("policy", "set", "--global", "--compression", "zstd"));
    return r;
  }

  @Override
  public StepResult backup(Path dataset, boolean first) throws Exception {
    // kopia finds the previous snapshot of the same source (user@host:path) by itself
    return step(
        first ? "backup-full" : "backup",
        command("snapshot", "create", dataset.toString(), "--json"),
        out -> {
          JsonNode s = lastJsonObject(out);
          return fields(
              s == null ? null : s.path("rootEntry").path("summ"),
              List.of("size", "files", "dirs", "numFailed"),
              List.of("size"));
        });
  }

  @Override
  public StepResult restore(Path target) throws Exception {
    return step(
        "restore", command("snapshot", "restore", latestId(), target.toString()), out -> "");
  }

  /** kopia restores a path below the snapshot's root object: {@code ROOT-ID/rel}. */
  @Override
  public StepResult restorePart(Path target, Path dataset, String rel) throws Exception {
    Path to = target.resolve(rel);
    Files.createDirectories(to.getParent());
    return step(
        "restore-part",
        command("snapshot", "restore", latestRoot() + "/" + rel, to.toString()),
        out -> "");
  }

  /** kopia restores the snapshot's root folder's content into the target itself. */
  @Override
  public Path restoredDataset(Path target, Path dataset) {
    return target;
  }

  @Override
  public String version() throws Exception {
    return "kopia " + helper(command("--version")).strip();
  }

  @Override
  public int snapshotCount() throws Exception {
    return list().size();
  }

  private JsonNode list() throws Exception {
    return JSON.readTree(helper(command("snapshot", "list", "--all", "--json")));
  }

  private String latestRoot() throws Exception {
    return latest().path("rootEntry").path("obj").asText();
  }

  private String latestId() throws Exception {
    return latest().path("id").asText();
  }

  private JsonNode latest() throws Exception {
    JsonNode all = list();
    if (all.isEmpty()) {
      throw new CommandRunner.Failure("kopia has no snapshot to restore");
    }
    return all.get(all.size() - 1);
  }
}
