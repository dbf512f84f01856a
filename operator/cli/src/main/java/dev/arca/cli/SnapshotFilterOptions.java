package dev.arca.cli;

import dev.arca.engine.repo.SnapshotFilter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --host} and {@code --tag}: which snapshots a command may choose among. */
final class SnapshotFilterOptions {
  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Consider only snapshots of this host (as backup --host wrote it).")
  String host;

  @Option(
      names = "--tag",
      paramLabel = "KEY=VALUE",
      description = "Consider only snapshots with this tag (repeatable; all must match).")
  Map<String, String> tags = new LinkedHashMap<>();

  SnapshotFilter filter() {
    return new SnapshotFilter(host, tags);
  }
}
