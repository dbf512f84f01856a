package dev.arca.cli;

import dev.arca.engine.repair.IndexRepair;
import dev.arca.engine.repair.SnapshotRepair;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arca repair index|snapshots}: rebuilds what damage took from what is left. */
@Command(
    name = "repair",
    mixinStandardHelpOptions = true,
    header = "Rebuild the index from the packs, or snapshots without their damaged files.",
    description = {
      "After damage (see 'arca verify'): 'repair index' when index objects cannot be read or",
      "name packs that are gone; then 'repair snapshots' for files whose data is lost; then",
      "'arca prune'. Both write new objects before they remove old ones; --dry-run changes",
      "nothing."
    },
    subcommands = {RepairCommand.Index.class, RepairCommand.Snapshots.class})
final class RepairCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "give a subcommand: index or snapshots");
  }

  @Command(
      name = "index",
      mixinStandardHelpOptions = true,
      header = "Rebuild the index from the packs' own headers.",
      description = {
        "Reads the header at the end of every pack and writes a new index naming every blob of",
        "every readable pack, then removes the old index objects (damaged ones included). Packs",
        "whose header cannot be read are named: their blobs stay missing. Do not run it while a",
        "prune runs. Exit code 3 when such packs remain."
      })
  static final class Index implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dry-run", description = "Say what would change; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      TerminalProgress progress =
          new TerminalProgress(spec.commandLine().getErr(), repo.json, repo.progressJson);
      IndexRepair.Result r = IndexRepair.run(repo.open(), dryRun, progress);
      progress.finish();
      PrintWriter out = spec.commandLine().getOut();
      int code = r.unreadablePacks().isEmpty() ? 0 : 3;
      if (repo.json) {
        Output.json(out, r);
        return code;
      }
      String would = r.dryRun() ? "would " : "";
      out.printf(
          "read the headers of %d of %d packs (%d the index did not name); %d packs the index"
              + " named are gone%n",
          r.packsIndexed(), r.packs(), r.packsUnknown(), r.packsGone());
      for (String p : r.unreadablePacks()) {
        out.println("unreadable: " + p);
      }
      for (String d : r.damagedIndexObjects()) {
        out.println("damaged index object: " + d);
      }
      out.printf(
          "%sreplace %d index objects (%d entries) by new ones with %d entries%n",
          would, r.oldIndexObjects(), r.oldEntries(), r.newEntries());
      return code;
    }
  }

  @Command(
      name = "snapshots",
      mixinStandardHelpOptions = true,
      header = "Write snapshots without the files whose data is damaged or missing.",
      description = {
        "For every snapshot that names data the repository cannot give back (a missing or",
        "damaged chunk, a pack that is gone, a folder listing that cannot be read), writes a new",
        "snapshot that leaves those files and folders out and lists them. With --forget the",
        "damaged snapshots, and snapshot objects that cannot be read at all, are removed.",
        "Damage inside packs is known once 'arca verify --read-data' (or a restore) has met it.",
        "Exit code 3 when a damaged snapshot is kept (no --forget) with nothing to repair."
      })
  static final class Snapshots implements Callable<Integer> {
    @Mixin RepoOptions repo;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dry-run", description = "Say what would change; change nothing.")
    boolean dryRun;

    @Option(
        names = "--forget",
        description = "Remove the damaged snapshots once replaced, and those that cannot be read.")
    boolean forget;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      SnapshotRepair.Result r =
          SnapshotRepair.run(
              repo.open(),
              forget,
              dryRun,
              Clock.systemUTC(),
              m -> err.println("arca: warning: " + m));
      PrintWriter out = spec.commandLine().getOut();
      boolean leftDamaged =
          !forget
              && (r.repaired().stream().anyMatch(SnapshotRepair.Repaired::nothingLeft)
                  || !r.unreadable().isEmpty());
      int code = leftDamaged ? 3 : 0;
      if (repo.json) {
        Output.json(out, r);
        return code;
      }
      String would = r.dryRun() ? "would " : "";
      for (SnapshotRepair.Repaired s : r.repaired()) {
        out.printf(
            "snapshot %s: %s%n",
            s.id().substring(0, 12),
            s.nothingLeft()
                ? "its root listing cannot be read: nothing to keep"
                : would
                    + "replace it by "
                    + (s.newId() == null ? "a new snapshot" : s.newId().substring(0, 12))
                    + " without "
                    + s.leftOutFiles()
                    + " files ("
                    + Output.bytes(s.leftOutBytes())
                    + ")");
        for (String p : s.leftOut()) {
          out.println("  left out: " + p);
        }
        if (s.forgotten()) {
          out.println("  forgotten");
        }
      }
      r.unreadable()
          .forEach(
              (id, why) ->
                  out.printf(
                      "snapshot %s cannot be read (%s)%s%n",
                      id.substring(0, 12), why, r.unreadableForgotten() ? ": forgotten" : ""));
      out.printf(
          "%d snapshots checked, %d damaged%s%n",
          r.snapshots(),
          r.repaired().size(),
          r.repaired().isEmpty() || forget || r.dryRun()
              ? ""
              : "; the damaged ones stay until 'arca forget' or --forget removes them");
      return code;
    }
  }
}
