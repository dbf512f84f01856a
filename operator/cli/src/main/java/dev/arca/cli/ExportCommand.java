package dev.arca.cli;

import dev.arca.engine.ArcaException;
import dev.arca.engine.export.ExportOptions;
import dev.arca.engine.export.ExportResult;
import dev.arca.engine.export.TarExport;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arca export}: a snapshot as a tar archive any tar can read. */
@Command(
    mixinStandardHelpOptions = true,
    name = "export",
    header = "Write a snapshot (or part of it) as a POSIX tar or tar.zst archive.",
    description = {
      "The archive needs no Arca to read: GNU tar, bsdtar or any pax reader extracts it, with",
      "long names, files over 8 GiB, modes, owners, symlinks and nanosecond mtimes. Every chunk",
      "and file is checked as it is written; on damage the export fails, and --output FILE then",
      "leaves no file behind. With --output - the archive goes to stdout and the summary to stderr."
    })
final class ExportCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin SnapshotSelection selection;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "tar or tar.zst (default: ${DEFAULT-VALUE}).")
  String format = "tar";

  @Option(
      names = "--output",
      required = true,
      paramLabel = "FILE",
      description = "Archive file to write, or - for stdout.")
  String output;

  @Override
  public Integer call() throws Exception {
    ExportOptions o =
        new ExportOptions(
            selection.snapshot,
            selection.before,
            selection.includes,
            ExportOptions.Format.parse(format),
            selection.among.filter());
    var r = repo.open();
    return Audit.run(r, "export", spec.commandLine().getErr(), a -> export(r, o, a));
  }

  private int export(dev.arca.engine.repo.Repository r, ExportOptions o, Audit.Entry audit)
      throws IOException {
    audit.path("output " + output);
    if (selection.includes != null) {
      selection.includes.forEach(i -> audit.path("include " + i));
    }
    ExportResult result;
    boolean toStdout = output.equals("-");
    if (toStdout) {
      OutputStream out =
          new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20);
      result = TarExport.run(r, o, out, this::warn);
      out.flush();
    } else {
      result = toFile(r, o, Path.of(output).toAbsolutePath(), this::warn);
    }
    audit
        .snapshot(result.snapshotId())
        .count("files", result.files())
        .count("bytes", result.bytes())
        .count("refused", result.refused().size());
    PrintWriter report = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
    if (repo.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("snapshotId", result.snapshotId());
      m.put("output", output);
      m.put("format", format);
      m.put("files", result.files());
      m.put("dirs", result.dirs());
      m.put("symlinks", result.symlinks());
      m.put("bytes", result.bytes());
      m.put("refused", result.refused());
      m.put("durationMs", result.durationMs());
      Output.json(report, m);
    } else {
      report.printf(
          "exported snapshot %s: %d files (%s), %d folders, %d links to %s%n",
          result.snapshotId().substring(0, 12),
          result.files(),
          Output.bytes(result.bytes()),
          result.dirs(),
          result.symlinks(),
          output);
      report.flush();
    }
    if (!result.refused().isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      for (String x : result.refused()) {
        err.println("arca: not exported: " + x);
      }
      err.println(
          "arca: "
              + result.refused().size()
              + " entries of the snapshot were left out: restore's name rules refuse them (the"
              + " snapshot is damaged or crafted)");
      return 3;
    }
    return 0;
  }

  private void warn(String message) {
    spec.commandLine().getErr().println("warning: " + message);
    spec.commandLine().getErr().flush();
  }

  /** Writes next to {@code target} and renames on success, so no partial archive is left. */
  private static ExportResult toFile(
      dev.arca.engine.repo.Repository r,
      ExportOptions o,
      Path target,
      java.util.function.Consumer<String> warn)
      throws IOException {
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw ArcaException.usage("--output " + target + ": its folder does not exist");
    }
    Path temp =
        dir.resolve(
            "."
                + target.getFileName()
                + ".partial-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      ExportResult result;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 20)) {
        result = TarExport.run(r, o, out, warn);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return result;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
