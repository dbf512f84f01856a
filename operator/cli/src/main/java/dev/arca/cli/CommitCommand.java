package dev.arca.cli;

import dev.arca.contract.BackupReport;
import dev.arca.engine.backup.PartsCommit;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arca commit}: joins the parts of a parallel backup run into one snapshot. */
@Command(
    mixinStandardHelpOptions = true,
    header = "Join the parts of a parallel backup run into one snapshot.",
    name = "commit",
    description = {
      "Once every part of a run has been stored ('arca backup --part I/N --run ID'), join their",
      "trees into one snapshot, the run's only commit point, and delete the part objects. If a",
      "part is missing, or the parts disagree on what the run backs up, nothing is written",
      "(exit 1): run the parts again, and what the finished ones stored is reused."
    })
final class CommitCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--run", paramLabel = "ID", required = true, description = "The run's id.")
  String run;

  @Option(
      names = "--parts",
      paramLabel = "N",
      required = true,
      description = "How many parts the run has.")
  int parts;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BackupReport r =
        PartsCommit.run(
            repo.open(), run, parts, Clock.systemUTC(), m -> err.println("warning: " + m));
    if (repo.json) {
      Output.json(out, r);
    } else {
      out.printf(
          "snapshot %s saved from %d parts (%s%s)%n",
          r.snapshotId().substring(0, 12),
          parts,
          r.mode(),
          r.parent() == null ? "" : ", parent " + r.parent().substring(0, 12));
      out.printf(
          "  %d files, %d folders, %s; new data %s%n",
          r.files(), r.dirs(), Output.bytes(r.bytes()), Output.bytes(r.newBytes()));
    }
    if (!r.unreadable().isEmpty()) {
      err.println(
          "arca: snapshot saved, but "
              + r.unreadable().size()
              + " entries could not be read by the parts and are not in it");
      return 1;
    }
    return 0;
  }
}
