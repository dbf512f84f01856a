package dev.arca.cli;

import dev.arca.contract.VerifyReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.verify.Verify;
import dev.arca.engine.verify.VerifyResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arca verify}: checks the repository and names any damage. */
@Command(
    mixinStandardHelpOptions = true,
    header = "Check the repository; name damaged objects and affected files.",
    name = "verify",
    description = {
      "Check that every snapshot can be restored: structure always; with --read-data every byte",
      "of every pack, with --read-data-subset a random share of the packs."
    })
final class VerifyCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true)
  ReadData read;

  static final class ReadData {
    @Option(names = "--read-data", description = "Read and check every pack.")
    boolean all;

    @Option(
        names = "--read-data-subset",
        paramLabel = "PERCENT",
        description = "Read and check this share of packs (0-100).")
    Double percent;
  }

  @Override
  public Integer call() throws Exception {
    double pct = 0;
    if (read != null) {
      pct = read.all ? 100 : read.percent;
      if (pct < 0 || pct > 100) {
        throw ArcaException.usage("--read-data-subset must be between 0 and 100");
      }
    }
    TerminalProgress progress =
        new TerminalProgress(spec.commandLine().getErr(), repo.json, repo.progressJson);
    VerifyResult r = Verify.run(repo.open(), pct, progress);
    progress.finish();
    PrintWriter out = spec.commandLine().getOut();
    if (repo.json) {
      Output.json(
          out,
          VerifyReport.of(
              r.ok(),
              r.snapshots(),
              r.packs(),
              r.packsRead(),
              r.blobs(),
              r.damagedObjects(),
              r.affectedFiles().stream()
                  .map(f -> new VerifyReport.AffectedFile(f.snapshotId(), f.path()))
                  .toList(),
              r.moreAffected(),
              r.recordedDamage(),
              r.durationMs()));
    } else {
      out.printf(
          "checked %d snapshots, %d packs (%d read in full), %d blobs%n",
          r.snapshots(), r.packs(), r.packsRead(), r.blobs());
      for (String d : r.damagedObjects()) {
        out.println("damaged: " + d);
      }
      for (VerifyResult.AffectedFile f : r.affectedFiles()) {
        out.println("affected: snapshot " + f.snapshotId().substring(0, 12) + " " + f.path());
      }
      if (r.moreAffected() > 0) {
        out.println("affected: " + r.moreAffected() + " more files");
      }
      if (r.recordedDamage() > 0) {
        out.println(
            "recorded "
                + r.recordedDamage()
                + " damaged blob copies: backups store their content anew");
      }
      out.println(r.ok() ? "no damage found" : "DAMAGE FOUND");
    }
    return r.ok() ? 0 : 3;
  }
}
