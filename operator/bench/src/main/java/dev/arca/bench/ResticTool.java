package dev.arca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** restic, with a repository on local disk or in MinIO and its cache in its own folder. */
public final class ResticTool extends BackupTool {
  private final Path binary;

  /** restic at {@code binary}, keeping its repository and cache under {@code home}. */
  public ResticTool(Path binary, CommandRunner runner, Path home, Location where)
      throws IOException {
    super(runner, home, where);
    this.binary = binary;
  }

  @Override
  public String name() {
    return "restic";
  }

  @Override
  Map<String, String> toolEnv() {
    return Map.of(
        "RESTIC_PASSWORD",
        PASSWORD,
        "RESTIC_CACHE_DIR",
        home().resolve("cache").toString(),
        // With --json restic prints a status line 60 times a second; once is plenty.
        "RESTIC_PROGRESS_FPS",
        "1");
  }

  private List<String> command(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(binary.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The repository argument: a folder, or {@code s3:http://HOST:PORT/BUCKET}. */
  private String repo() {
    Location at = location();
    return at.isS3() ? "s3:" + at.minio().endpoint() + "/" + at.bucket() : repoDir().toString();
  }

  @Override
  public StepResult init() throws Exception {
    return step("init", command("init", "--repo", repo()), out -> "");
  }

  @Override
  public StepResult backup(Path dataset, boolean first) throws Exception {
    // restic picks the previous snapshot of the same host and paths as the parent by itself.
    List<String> cmd =
        command("backup", "--repo", repo(), "--host", "bench", "--json", dataset.toString());
    return step(
        first ? "backup-full" : "backup",
        cmd,
        out ->
            fields(
                summary(out),
                List.of(
                    "files_new",
                    "files_changed",
                    "files_unmodified",
                    "total_bytes_processed",
                    "data_added",
                    "data_added_packed"),
                List.of("total_bytes_processed", "data_added", "data_added_packed")));
  }

  @Override
  public StepResult restore(Path target) throws Exception {
    return step(
        "restore",
        restoreCommand(target),
        out ->
            fields(
                summary(out),
                List.of("total_files", "files_restored", "files_skipped", "bytes_restored"),
                List.of("bytes_restored")));
  }

  @Override
  public StepResult restorePart(Path target, Path dataset, String rel) throws Exception {
    List<String> cmd = restoreCommand(target);
    cmd.addAll(List.of("--include", dataset.toAbsolutePath().resolve(rel).toString()));
    return step(
        "restore-part",
        cmd,
        out ->
            fields(
                summary(out),
                List.of("files_restored", "bytes_restored"),
                List.of("bytes_restored")));
  }

  private List<String> restoreCommand(Path target) {
    return command("restore", "--repo", repo(), "latest", "--target", target.toString(), "--json");
  }

  /** restic restores the full absolute path of what it backed up under the target. */
  @Override
  public Path restoredDataset(Path target, Path dataset) {
    return target.resolve(dataset.toAbsolutePath().toString().substring(1));
  }

  @Override
  public String version() throws Exception {
    return helper(command("version")).strip();
  }

  @Override
  public int snapshotCount() throws Exception {
    JsonNode list = JSON.readTree(helper(command("snapshots", "--repo", repo(), "--json")));
    return list.size();
  }

  /** The last {@code "message_type": "summary"} line of restic's JSON output. */
  private static JsonNode summary(String stdout) {
    List<String> lines = stdout.lines().filter(l -> l.contains("\"summary\"")).toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      JsonNode node = lastJsonObject(lines.get(i));
      if (node != null && "summary".equals(node.path("message_type").asText())) {
        return node;
      }
    }
    return null;
  }
}
