package dev.arca.cli;

import dev.arca.contract.ForgetReport;
import dev.arca.engine.forget.Forget;
import dev.arca.engine.forget.Retention;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arca forget}: removes snapshots that a retention policy does not keep. */
@Command(
    mixinStandardHelpOptions = true,
    name = "forget",
    header = "Remove snapshots a retention policy does not keep.",
    description = {
      "Snapshots are grouped by host and paths; in each group the rules keep the",
      "newest N snapshots (--keep-last) and the newest snapshot of each of the",
      "newest N hours, days, ISO weeks, months and years (UTC). Two rules count the",
      "training checkpoints the snapshots record (backup --checkpoints): for each of",
      "the N highest steps (--keep-checkpoints) and for each step divisible by K",
      "(--keep-checkpoint-every), the newest snapshot holding a checkpoint of that",
      "step; snapshots that record none are kept by neither. A snapshot kept by any",
      "rule stays, and the output names the rules (last, daily, checkpoint 1200,",
      "checkpoint 1200 (every 100), ...). Only snapshot objects are removed: run",
      "'arca prune' to free the data no snapshot needs any more."
    })
final class ForgetCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--keep-last", paramLabel = "N", description = "Keep the newest N snapshots.")
  int last;

  @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep one per hour, N hours.")
  int hourly;

  @Option(names = "--keep-daily", paramLabel = "N", description = "Keep one per day, N days.")
  int daily;

  @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep one per week, N weeks.")
  int weekly;

  @Option(names = "--keep-monthly", paramLabel = "N", description = "Keep one per month, N months.")
  int monthly;

  @Option(names = "--keep-yearly", paramLabel = "N", description = "Keep one per year, N years.")
  int yearly;

  @Option(
      names = "--keep-checkpoints",
      paramLabel = "N",
      description = "Keep the newest snapshot holding each of the N highest checkpoint steps.")
  int checkpoints;

  @Option(
      names = "--keep-checkpoint-every",
      paramLabel = "K",
      description = "Keep the newest snapshot holding each checkpoint step divisible by K.")
  int checkpointEvery;

  /** The --keep-* rules apply only to these snapshots. */
  @picocli.CommandLine.Mixin SnapshotFilterOptions among;

  @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
  boolean dryRun;

  @picocli.CommandLine.Parameters(
      paramLabel = "ID",
      arity = "0..*",
      description = {
        "Remove these snapshots (ids or unique id prefixes) instead of applying --keep-* rules;",
        "also those that cannot be read (a damaged snapshot that cannot be repaired)."
      })
  List<String> ids = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Retention policy =
        new Retention(last, hourly, daily, weekly, monthly, yearly, checkpoints, checkpointEvery);
    if (!ids.isEmpty() && (!policy.isEmpty() || !among.filter().isAny())) {
      throw dev.arca.engine.ArcaException.usage(
          "give snapshot ids or --keep-* rules (with --host/--tag), not both");
    }
    dev.arca.engine.repo.Repository opened = repo.open();
    if (dryRun) {
      return forget(opened, policy, null);
    }
    return Audit.run(opened, "forget", spec.commandLine().getErr(), a -> forget(opened, policy, a));
  }

  private int forget(dev.arca.engine.repo.Repository opened, Retention policy, Audit.Entry audit)
      throws java.io.IOException {
    Forget.Result r =
        ids.isEmpty()
            ? Forget.run(opened, policy, among.filter(), dryRun)
            : Forget.byId(opened, ids, dryRun);
    if (audit != null) {
      r.removed().forEach(d -> audit.snapshot(d.id()));
      audit.count("removed", r.removed().size()).count("kept", r.kept().size());
      if (!ids.isEmpty()) {
        audit.message("by id");
      } else if (!among.filter().isAny()) {
        audit.message(
            "by retention rules, among host "
                + among.filter().host()
                + " tags "
                + among.filter().tags());
      } else {
        audit.message("by retention rules");
      }
    }
    int code = r.unreadable().isEmpty() && r.lockNotExtended().isEmpty() ? 0 : 3;
    r.lockNotExtended()
        .forEach(
            (id, why) ->
                spec.commandLine()
                    .getErr()
                    .println(
                        "arca: the Object Lock of snapshot "
                            + id
                            + " was not extended: "
                            + why
                            + "; its objects keep the lock they were written with"));
    for (var e : r.unreadable().entrySet()) {
      spec.commandLine()
          .getErr()
          .println(
              "arca: left alone: snapshot "
                  + e.getKey()
                  + " cannot be read ("
                  + e.getValue()
                  + "); 'arca forget "
                  + e.getKey().substring(0, 12)
                  + "' removes it");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (repo.json) {
      Output.json(
          out,
          ForgetReport.of(
                  r.dryRun(),
                  r.kept().stream().map(ForgetCommand::entry).toList(),
                  r.removed().stream().map(ForgetCommand::entry).toList(),
                  r.retainedObjects(),
                  r.unreadable())
              .withLocks(
                  r.lockedUntil(), r.locksExtended(), r.extendedUntil(), r.lockNotExtended()));
      return code;
    }
    for (Forget.Decision d : r.kept()) {
      out.printf(
          "keep   %s %s %s (%s)%n",
          d.id().substring(0, 12), d.time(), d.paths(), String.join(", ", d.reasons()));
    }
    for (Forget.Decision d : r.removed()) {
      out.printf(
          "remove %s %s %s%n",
          d.id().substring(0, 12),
          d.time() == null ? "(unreadable)" : d.time(),
          d.paths() == null ? "" : d.paths());
    }
    out.printf(
        "%s %d snapshots, kept %d%s%n",
        r.dryRun() ? "would remove" : "removed",
        r.removed().size(),
        r.kept().size(),
        r.retainedObjects() > 0
            ? "; "
                + r.retainedObjects()
                + " stay in the bucket under its retention rules"
                + (r.lockedUntil() == null ? "" : ", locked until " + r.lockedUntil())
            : "");
    if (r.locksExtended() > 0) {
      out.printf(
          "extended the Object Lock of %d objects (to %s at the latest): retention keeps their"
              + " snapshots longer%n",
          r.locksExtended(), r.extendedUntil());
    }
    return code;
  }

  private static ForgetReport.Decision entry(Forget.Decision d) {
    return new ForgetReport.Decision(
        d.id(), d.time(), d.host(), d.paths(), d.kept() ? List.copyOf(d.reasons()) : null);
  }
}
