package dev.arca.cli;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.restore.CheckpointRestore;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.restore.RestoreShare;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code arca restore}: restores a snapshot, or part of it, into a folder; or one training
 * checkpoint chosen by step ({@code --checkpoint}, checked first with {@code --verify-first}).
 */
@Command(
    mixinStandardHelpOptions = true,
    header = "Restore a snapshot, or part of it, into a folder.",
    name = "restore",
    description = {
      "Restore a snapshot (or the paths matching --include) into --target, and/or pipe files of it",
      "into commands (--pipe). Every chunk and every file's SHA-256 is checked before the restore",
      "reports success.",
      "",
      "--checkpoint latest|STEP restores one training checkpoint folder, whole,",
      "at the path a full restore gives it. It is chosen among the checkpoints the",
      "snapshots (of --host/--tag) record (backup --checkpoints): 'latest' takes",
      "the highest step, a number that step; of the snapshots holding it, the",
      "newest. --verify-first reads and checks every blob of it first and, when",
      "anything is missing or damaged, warns and falls back to the next lower step",
      "(for a STEP: to an older snapshot holding it); none intact: exit 3."
    })
final class RestoreCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin SnapshotSelection selection;

  @Option(
      names = "--target",
      paramLabel = "DIR",
      description = "Restore here (needed unless only --pipe is given).")
  Path target;

  @Option(
      names = "--pipe",
      paramLabel = "PATH=COMMAND",
      description = {
        "Write the snapshot's file PATH into the stdin of `sh -c COMMAND` (repeatable), e.g.",
        "--pipe db/app.sql='psql -v ON_ERROR_STOP=1 --single-transaction app'. Every chunk is",
        "checked as it is sent, the file's SHA-256 at the end; the command's exit status is checked.",
        "PATH ends at the first '=' (write '=' in PATH as \\=)."
      })
  List<String> pipes = new ArrayList<>();

  @picocli.CommandLine.Mixin CommandEnv commandEnv;

  @Option(
      names = "--checkpoint",
      paramLabel = "latest|STEP",
      description =
          "Restore one training checkpoint folder: the highest step ('latest') or this step, from"
              + " the newest snapshot holding it; with --include, only among the checkpoints it"
              + " selects (a volume: 'models/**'). Not with SNAPSHOT, --before or --pipe.")
  String checkpoint;

  @Option(
      names = "--verify-first",
      description =
          "With --checkpoint: read and check every blob of the checkpoint before restoring it;"
              + " fall back to the next candidate when anything is missing or damaged.")
  boolean verifyFirst;

  @Option(
      names = "--overwrite",
      paramLabel = "MODE",
      description = "never | if-different (default) | always")
  String overwrite = "if-different";

  @Option(
      names = "--part",
      paramLabel = "I/N",
      description = {
        "Restore part I of N: this run's share of the files (files of 64 MiB and more dealt out",
        "by size, smaller ones by a hash of their path), for N processes restoring one snapshot",
        "into one shared folder at once. Parts create folders but leave links, folder metadata",
        "and other runs' temporary files alone: run --folders-only once all parts are done.",
        "Give the snapshot by id, so that every part restores the same one."
      })
  String part;

  @Option(
      names = "--folders-only",
      description = {
        "The last step of a restore in parts: create the folders and links, remove what",
        "interrupted runs left, and set the folders' metadata; restore no file."
      })
  boolean foldersOnly;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Ranges restored at once (default: the number of cores, at least 2; at least 4 on S3,"
              + " where each range is one streamed request of up to 32 MiB).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    if (threads == null) {
      int cores = Runtime.getRuntime().availableProcessors();
      threads = repo.url().startsWith("s3:") ? Math.max(4, cores) : Math.max(2, cores);
    }
    if (threads < 1) {
      throw ArcaException.usage("--threads must be at least 1");
    }
    checkpointArguments();
    RestoreShare share = share();
    if (target == null && pipes.isEmpty()) {
      throw ArcaException.usage(
          "give --target DIR to restore into, or --pipe PATH=COMMAND to pipe a file into a command");
    }
    RestoreOptions.Overwrite mode = RestoreOptions.Overwrite.parse(overwrite);
    List<Shell.Spec> specs = pipes.stream().map(v -> Shell.Spec.parse("--pipe", v)).toList();
    // opened once: its key derivation is deliberately slow
    dev.arca.engine.runtime.JitWarmUp.process().startInBackground(); // beside the key derivation
    dev.arca.engine.repo.Repository repository = repo.open();
    return Audit.run(
        repository,
        target == null ? "pipe" : "restore",
        spec.commandLine().getErr(),
        a -> restore(repository, specs, mode, share, a));
  }

  private int restore(
      dev.arca.engine.repo.Repository repository,
      List<Shell.Spec> specs,
      RestoreOptions.Overwrite mode,
      RestoreShare share,
      Audit.Entry audit)
      throws Exception {
    if (target != null) {
      audit.path("target " + target);
    }
    selection.includes.forEach(i -> audit.path("include " + i));
    specs.forEach(p -> audit.path("pipe " + p.path()));
    long t0 = System.nanoTime();
    Pipes.Result piped = null;
    if (!specs.isEmpty()) {
      piped =
          Pipes.run(
              repository, selection, specs, commandEnv.env(repo), spec.commandLine().getErr());
      audit.snapshot(piped.snapshotId()).count("piped", piped.piped().size());
      if (target == null) {
        if (repo.json) {
          Output.json(
              spec.commandLine().getOut(),
              RestoreReport.pipedOnly(
                  piped.snapshotId(), piped.piped(), (System.nanoTime() - t0) / 1_000_000));
        }
        return 0;
      }
    }
    TerminalProgress progress =
        new TerminalProgress(spec.commandLine().getErr(), repo.json, repo.progressJson);
    RestoreOptions opts =
        new RestoreOptions(
            selection.snapshot,
            selection.before,
            target,
            selection.includes,
            mode,
            threads,
            progress,
            selection.among.filter());
    RestoreReport r =
        checkpoint == null
            ? Restore.run(repository, opts, share)
            : CheckpointRestore.run(repository, opts, checkpoint, verifyFirst);
    progress.finish();
    audit
        .snapshot(r.snapshotId())
        .count("files", r.files())
        .count("written", r.written())
        .count("bytes", r.bytes());
    if (r.checkpoint() != null) {
      audit.path("checkpoint " + r.checkpoint().path());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (repo.json) {
      Output.json(out, piped == null ? r : r.withPiped(piped.piped()));
    } else {
      if (r.checkpoint() != null) {
        out.printf(
            "checkpoint %s (step %d) of snapshot %s%s%n",
            r.checkpoint().path(),
            r.checkpoint().step(),
            r.snapshotId().substring(0, 12),
            r.checkpointsRejected().isEmpty()
                ? ""
                : ", after " + r.checkpointsRejected().size() + " rejected (see warnings)");
      }
      out.printf(
          "restored snapshot %s: %d files, %d written (%s), %d already right; %d folders, %d"
              + " links; %.1f s%n",
          r.snapshotId().substring(0, 12),
          r.files(),
          r.written(),
          Output.bytes(r.bytes()),
          r.unchanged(),
          r.dirs(),
          r.symlinks(),
          r.durationMs() / 1000.0);
    }
    if (r.kept() > 0) {
      PrintWriter err = spec.commandLine().getErr();
      for (String p : r.keptPaths()) {
        err.println("arca: kept (differs from the snapshot): " + p);
      }
      err.println(
          "arca: "
              + r.kept()
              + " files differ from the snapshot and were kept (--overwrite never)"
              + (r.kept() > r.keptPaths().size()
                  ? "; the first " + r.keptPaths().size() + " are named above"
                  : ""));
    }
    if (!r.failures().isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      for (String f : r.failures()) {
        err.println("arca: not restored: " + f);
      }
      err.println(
          "arca: "
              + r.failures().size()
              + " entries were not restored"
              + (r.damaged() ? " because the repository is damaged; run arca verify" : ""));
      return r.damaged() ? 3 : 1;
    }
    return 0;
  }

  /**
   * The share of a restore in parts ({@code --part}, {@code --folders-only}), or null; every part
   * must name the same snapshot, so it is given by id.
   */
  private RestoreShare share() {
    if (part == null && !foldersOnly) {
      return null;
    }
    if (part != null && foldersOnly) {
      throw ArcaException.usage("--part and --folders-only are two steps: give one of them");
    }
    if (checkpoint != null || !pipes.isEmpty() || target == null) {
      throw ArcaException.usage("--part and --folders-only restore a snapshot into --target only");
    }
    if (selection.snapshot == null
        || "latest".equals(selection.snapshot)
        || selection.before != null) {
      throw ArcaException.usage(
          "--part and --folders-only need the snapshot by id (not latest or --before): every"
              + " part must restore the same one");
    }
    return foldersOnly ? RestoreShare.folders() : RestoreShare.parse(part);
  }

  /** --checkpoint chooses the snapshot and the folder itself: a usage error beside another way. */
  private void checkpointArguments() {
    if (checkpoint == null) {
      if (verifyFirst) {
        throw ArcaException.usage("--verify-first needs --checkpoint latest|STEP");
      }
      return;
    }
    List<String> others = new ArrayList<>();
    if (selection.snapshot != null) {
      others.add("a SNAPSHOT argument");
    }
    if (selection.before != null) {
      others.add("--before");
    }
    if (!pipes.isEmpty()) {
      others.add("--pipe");
    }
    if (!others.isEmpty()) {
      throw ArcaException.usage(
          "--checkpoint chooses the snapshot and the folder to restore itself; it cannot be"
              + " combined with "
              + String.join(" or ", others));
    }
    if (target == null) {
      throw ArcaException.usage("--checkpoint needs --target DIR to restore into");
    }
    CheckpointRestore.step(checkpoint); // a value that is neither fails before the key derivation
  }
}
