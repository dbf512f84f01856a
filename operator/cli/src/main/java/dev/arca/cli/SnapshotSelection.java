package dev.arca.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Which snapshot, and which paths of it, a reading command (restore, export) works on. */
final class SnapshotSelection {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SNAPSHOT",
      description = "Id, id prefix or 'latest' (default).")
  String snapshot;

  @Option(names = "--before", paramLabel = "TIME", description = "Newest snapshot at or before.")
  String before;

  @Option(names = "--include", paramLabel = "GLOB", description = "Only paths matching GLOB.")
  List<String> includes = new ArrayList<>();

  /** SNAPSHOT and --before choose only among these; an id outside them is refused. */
  @picocli.CommandLine.Mixin SnapshotFilterOptions among;
}
