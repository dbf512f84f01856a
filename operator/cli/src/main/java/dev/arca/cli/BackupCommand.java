package dev.arca.cli;

import dev.arca.contract.BackupReport;
import dev.arca.contract.PartReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.backup.PartSpec;
import dev.arca.engine.backup.SourceWarmUp;
import dev.arca.engine.repo.Repository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code arca backup}: stores a snapshot of files and folders. */
@Command(
    mixinStandardHelpOptions = true,
    header = "Back up files and folders into a new snapshot.",
    name = "backup",
    description = {
      "Back up PATHs into a new snapshot. Incremental by default: files whose size, mtime, ctime",
      "and inode match the parent snapshot (same paths, host and tags) are not read again.",
      "Streams (--stream) are always read in full, and deduplicated against earlier ones."
    })
final class BackupCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--full", description = "Re-read and re-hash every file.")
  boolean full;

  @Option(
      names = "--tag",
      paramLabel = "KEY=VALUE",
      description = "Tag recorded on the snapshot (repeatable).")
  Map<String, String> tags = new LinkedHashMap<>();

  @Option(names = "--host", paramLabel = "NAME", description = "Host name (default: this host).")
  String host;

  @Option(names = "--include", paramLabel = "GLOB", description = "Only back up matching paths.")
  List<String> includes = new ArrayList<>();

  @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out matching paths.")
  List<String> excludes = new ArrayList<>();

  @Mixin CheckpointOptions checkpointOptions;

  @Option(names = "--threads", paramLabel = "N", description = "Files and chunks at once.")
  int threads = BackupOptions.defaultThreads();

  @Option(
      names = "--stream",
      paramLabel = "PATH=COMMAND",
      description = {
        "Store the stdout of `sh -c COMMAND` as the file PATH of the snapshot (repeatable), e.g.",
        "--stream db/app.sql='pg_dump app'. If the command fails, so does the backup, and no",
        "snapshot is saved. Pass passwords in the environment (PGPASSWORD), not in COMMAND.",
        "PATH ends at the first '=' (write '=' in PATH as \\=)."
      })
  List<String> streams = new ArrayList<>();

  @Option(
      names = "--init-if-missing",
      description = {
        "Create the repository (encrypted) first if there is none at the URL: no config and no",
        "other repository objects there. A wrong password, a damaged config or a store that",
        "cannot be read fail as usual and never create one. A typo in the URL creates a new,",
        "empty repository: the result says when one was created."
      })
  boolean initIfMissing;

  @Option(
      names = "--part",
      paramLabel = "I/N",
      description = {
        "Back up part I of N of a parallel run (with --run): store this part's share and write a",
        "part object, not a snapshot; 'arca commit' joins the N parts into one snapshot. Without",
        "--run-source every part is given the same PATHs and takes its share of their files",
        "(large files dealt out by size, small ones by path)."
      })
  String part;

  @Option(
      names = "--run",
      paramLabel = "ID",
      description = "The parallel run this part belongs to (A-Z a-z 0-9 . _ -, up to 128).")
  String run;

  @Option(
      names = "--run-source",
      paramLabel = "SOURCE",
      description = {
        "A source of the whole run's snapshot (repeatable, in order; streams as stream:PATH),",
        "when each part backs up sources of its own (one part per node): this part's PATHs and",
        "streams are among them."
      })
  List<String> runSources = new ArrayList<>();

  @picocli.CommandLine.Mixin CommandEnv commandEnv;

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Files or folders to back up.")
  List<Path> paths = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (threads < 1) {
      throw ArcaException.usage("--threads must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    TerminalProgress progress =
        new TerminalProgress(spec.commandLine().getErr(), repo.json, repo.progressJson);
    Shell.Env env = commandEnv.env(repo);
    BackupOptions opts =
        BackupOptions.of(paths.toArray(Path[]::new))
            .withFull(full)
            .withHost(host != null ? host : BackupOptions.defaultHost())
            .withTags(tags)
            .withFilters(includes, excludes)
            .withThreads(threads)
            .withCheckpoints(checkpointOptions.spec())
            .withProgress(progress)
            .withStreams(
                streams.stream()
                    .map(v -> Shell.source(Shell.Spec.parse("--stream", v), env))
                    .toList());
    PartSpec partSpec = partSpec();
    opts = opts.withPart(partSpec);
    if (full) {
      dev.arca.engine.runtime.JitWarmUp.process().startInBackground(); // beside the key derivation
    }
    Repository.Opened opened;
    // the sources' folders are read into the kernel's caches while the key is derived
    try (SourceWarmUp warm = SourceWarmUp.start(opts.paths())) {
      opened =
          initIfMissing
              ? Repository.openOrInit(
                  repo.storage(), repo.password(), Repository.InitOptions.defaults())
              : new Repository.Opened(repo.open(), false);
      repo.opened(opened.repository());
    }
    if (opened.created() && !repo.json) {
      out.printf(
          "created encrypted repository %s at %s%n",
          opened.repository().config().id(), opened.repository().storage().describe());
    }
    if (partSpec != null) {
      return part(out, opened, opts, progress);
    }
    BackupOptions o = opts;
    return Audit.run(
        opened.repository(),
        "backup",
        spec.commandLine().getErr(),
        a -> backup(out, opened, o, progress, a));
  }

  private int backup(
      PrintWriter out,
      Repository.Opened opened,
      BackupOptions opts,
      TerminalProgress progress,
      Audit.Entry audit)
      throws java.io.IOException {
    BackupReport r = Backup.run(opened.repository(), opts);
    progress.finish();
    audit
        .snapshot(r.snapshotId())
        .count("files", r.files())
        .count("bytes", r.bytes())
        .count("newBytes", r.newBytes());
    opts.paths().forEach(p -> audit.path(p.toString()));
    streams.forEach(v -> audit.path("stream " + Shell.Spec.parse("--stream", v).path()));
    if (repo.json) {
      Output.json(out, r.withRepositoryInitialized(opened.created()));
    } else {
      out.printf(
          "snapshot %s saved (%s%s)%n",
          r.snapshotId().substring(0, 12),
          r.mode(),
          r.parent() == null ? "" : ", parent " + r.parent().substring(0, 12));
      out.printf(
          "  %d files, %d folders, %s; %d unchanged files not read%n",
          r.files(), r.dirs(), Output.bytes(r.bytes()), r.unchangedFiles());
      out.printf(
          "  new data %s, stored %s, in %.1f s%n",
          Output.bytes(r.newBytes()), Output.bytes(r.storedBytes()), r.durationMs() / 1000.0);
      if (r.skippedSpecial() > 0) {
        out.printf("  %d FIFOs, sockets or devices skipped%n", r.skippedSpecial());
      }
      if (r.changedWhileReading() > 0) {
        out.printf("  %d files changed while they were read%n", r.changedWhileReading());
      }
      if (!checkpointOptions.spec().isEmpty()) {
        printCheckpoints(out, r);
      }
    }
    if (!r.unreadable().isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "arca: snapshot saved, but "
                  + r.unreadable().size()
                  + " entries could not be read and are not in it (see warnings)");
      return 1;
    }
    return 0;
  }

  /** The part of a parallel run asked for, or null; a usage error if it is half given. */
  private PartSpec partSpec() {
    if (part == null && run == null) {
      if (!runSources.isEmpty()) {
        throw ArcaException.usage("--run-source needs --part and --run");
      }
      return null;
    }
    if (part == null || run == null) {
      throw ArcaException.usage("--part and --run go together");
    }
    return PartSpec.parse(run, part, runSources.isEmpty() ? null : runSources);
  }

  /** Backs up one part of a parallel run and reports it. */
  private int part(
      PrintWriter out, Repository.Opened opened, BackupOptions opts, TerminalProgress progress)
      throws java.io.IOException {
    PartSpec p = opts.part();
    Backup.PartResult r = Backup.runPart(opened.repository(), opts);
    progress.finish();
    BackupReport b = r.figures();
    if (repo.json) {
      Output.json(
          out,
          new PartReport(
              p.run(),
              p.index(),
              p.count(),
              r.partId(),
              r.reused(),
              b.withRepositoryInitialized(opened.created())));
    } else if (r.reused()) {
      out.printf(
          "part %d/%d of run %s was already stored (part %s); nothing read%n",
          p.index(), p.count(), p.run(), r.partId().substring(0, 12));
    } else {
      out.printf(
          "part %d/%d of run %s stored (part %s): %d files, %s, new data %s, in %.1f s%n",
          p.index(),
          p.count(),
          p.run(),
          r.partId().substring(0, 12),
          b.files(),
          Output.bytes(b.bytes()),
          Output.bytes(b.newBytes()),
          b.durationMs() / 1000.0);
    }
    if (!b.unreadable().isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "arca: part stored, but "
                  + b.unreadable().size()
                  + " entries could not be read and are not in it (see warnings)");
      return 1;
    }
    return 0;
  }

  /** The checkpoints stored (by step) and the number left out, whose reasons were warned. */
  private static void printCheckpoints(PrintWriter out, BackupReport r) {
    out.printf(
        "  %d checkpoints stored%s%s%n",
        r.checkpoints().size(),
        r.checkpoints().isEmpty() ? "" : " (" + SnapshotsCommand.steps(r.checkpoints()) + ")",
        r.checkpointsSkipped().isEmpty()
            ? ""
            : ", " + r.checkpointsSkipped().size() + " left out (see warnings)");
  }
}
