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
    description = {
      "List snapshots, oldest first; with --host and --tag, only those of that host with",
      "every tag (snapshots that cannot be read are always named, exit 3)."
    })
final class SnapshotsCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Mixin SnapshotFilterOptions among;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Snapshots.Listing listing = Snapshots.list(repo.open());
    List<Snapshots.Ref> all =
        listing.readable().stream().filter(r -> among.filter().matches(r.snapshot())).toList();
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
    // the checkpoints column only when a snapshot records checkpoints
    boolean steps = all.stream().anyMatch(r -> !checkpoints(r.snapshot()).isEmpty());
    out.printf(
        "%-12s  %-30s  %-11s  %-10s  %10s  %s%s%n",
        "ID",
        "TIME",
        "MODE",
        "HOST",
        "SIZE",
        steps ? String.format("%-24s  ", "CHECKPOINTS") : "",
        "PATHS");
    for (Snapshots.Ref r : all) {
      Snapshot s = r.snapshot();
      out.printf(
          "%-12s  %-30s  %-11s  %-10s  %10s  %s%s%n",
          r.id().substring(0, 12),
          s.time(),
          s.repairedFrom() == null ? s.mode() : "repaired",
          s.host(),
          Output.bytes(s.stats() == null ? 0 : s.stats().bytes()),
          steps ? String.format("%-24s  ", orDash(steps(checkpoints(s)))) : "",
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

  /** Most steps a table cell names one by one. */
  static final int STEPS_SHOWN = 4;

  /**
   * The steps of {@code held} as a table shows them: {@code steps 10,100,200}, or the lowest and
   * highest and how many beyond {@value #STEPS_SHOWN} ({@code steps 10..2400 (12)}); checkpoints
   * without a step are counted ({@code +1 without step}). Empty when there are none.
   */
  static String steps(List<dev.arca.contract.Checkpoint> held) {
    List<Long> steps =
        held.stream()
            .map(dev.arca.contract.Checkpoint::step)
            .filter(java.util.Objects::nonNull)
            .sorted()
            .toList();
    List<String> parts = new ArrayList<>();
    if (steps.size() > STEPS_SHOWN) {
      parts.add(
          "steps " + steps.get(0) + ".." + steps.get(steps.size() - 1) + " (" + steps.size() + ")");
    } else if (!steps.isEmpty()) {
      parts.add("steps " + String.join(",", steps.stream().map(String::valueOf).toList()));
    }
    if (held.size() > steps.size()) {
      parts.add("+" + (held.size() - steps.size()) + " without step");
    }
    return String.join(" ", parts);
  }

  private static String orDash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
