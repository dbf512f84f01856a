package dev.arca.cli;

import dev.arca.contract.SnapshotsReport;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.Snapshots;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code arca snapshots}: lists snapshots, oldest first. */
@Command(
    mixinStandardHelpOptions = true,
    name = "snapshots",
    description = "List snapshots, oldest first.")
final class SnapshotsCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Snapshots.Listing listing = Snapshots.list(repo.open());
    List<Snapshots.Ref> all = listing.readable();
    PrintWriter out = spec.commandLine().getOut();
    int code = listing.unreadable().isEmpty() ? 0 : 3;
    for (var e : listing.unreadable().entrySet()) {
      spec.commandLine()
          .getErr()
          .println("arca: snapshot " + e.getKey() + " cannot be read: " + e.getValue());
    }
    if (repo.json) {
      List<SnapshotsReport.Entry> list = new ArrayList<>();
      for (Snapshots.Ref r : all) {
        Snapshot s = r.snapshot();
        list.add(
            new SnapshotsReport.Entry(
                r.id(),
                s.time(),
                s.mode(),
                s.paths(),
                s.tags() == null ? Map.of() : s.tags(),
                s.host(),
                s.parent(),
                s.stats() == null ? 0 : s.stats().files(),
                s.stats() == null ? 0 : s.stats().bytes(),
                s.repairedFrom(),
                checkpoints(s)));
      }
      List<SnapshotsReport.Unreadable> bad = new ArrayList<>();
      listing.unreadable().forEach((id, why) -> bad.add(new SnapshotsReport.Unreadable(id, why)));
      Output.json(out, new SnapshotsReport(list, bad));
      return code;
    }
    out.printf(
        "%-12s  %-30s  %-11s  %-10s  %10s  %s%n", "ID", "TIME", "MODE", "HOST", "SIZE", "PATHS");
    for (Snapshots.Ref r : all) {
      Snapshot s = r.snapshot();
      out.printf(
          "%-12s  %-30s  %-11s  %-10s  %10s  %s%n",
          r.id().substring(0, 12),
          s.time(),
          s.repairedFrom() == null ? s.mode() : "repaired",
          s.host(),
          Output.bytes(s.stats() == null ? 0 : s.stats().bytes()),
          String.join(" ", s.paths()));
    }
    out.printf(
        "%d snapshots%s%n",
        all.size(),
        code == 0 ? "" : ", and " + listing.unreadable().size() + " that cannot be read");
    return code;
  }

  /** The checkpoints a snapshot records, as the report lists them (none when it records none). */
  static List<dev.arca.contract.Checkpoint> checkpoints(Snapshot s) {
    List<dev.arca.contract.Checkpoint> out = new ArrayList<>();
    if (s.checkpoints() != null) {
      s.checkpoints().forEach(c -> out.add(new dev.arca.contract.Checkpoint(c.path(), c.step())));
    }
    return out;
  }
}
