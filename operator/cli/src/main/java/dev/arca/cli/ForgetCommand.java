package dev.arca.cli;

import dev.arca.engine.forget.Forget;
import dev.arca.engine.forget.Retention;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      "Snapshots are grouped by host and paths; in each group the rules keep the newest N",
      "snapshots (--keep-last) and the newest snapshot of each of the newest N hours, days, ISO",
      "weeks, months and years (UTC). A snapshot kept by any rule stays. Only snapshot objects",
      "are removed: run 'arca prune' to free the data no snapshot needs any more."
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
      names = "--tag",
      paramLabel = "KEY=VALUE",
      description = "Consider only snapshots with this tag (repeatable; all must match).")
  Map<String, String> tags = new LinkedHashMap<>();

  @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    Retention policy = new Retention(last, hourly, daily, weekly, monthly, yearly);
    Forget.Result r = Forget.run(repo.open(), policy, tags, dryRun);
    PrintWriter out = spec.commandLine().getOut();
    if (repo.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dryRun", r.dryRun());
      m.put("kept", r.kept().stream().map(ForgetCommand::entry).toList());
      m.put("removed", r.removed().stream().map(ForgetCommand::entry).toList());
      m.put("retainedObjects", r.retainedObjects());
      Output.json(out, m);
      return 0;
    }
    for (Forget.Decision d : r.kept()) {
      out.printf(
          "keep   %s %s %s (%s)%n",
          d.id().substring(0, 12), d.time(), d.paths(), String.join(", ", d.reasons()));
    }
    for (Forget.Decision d : r.removed()) {
      out.printf("remove %s %s %s%n", d.id().substring(0, 12), d.time(), d.paths());
    }
    out.printf(
        "%s %d snapshots, kept %d%s%n",
        r.dryRun() ? "would remove" : "removed",
        r.removed().size(),
        r.kept().size(),
        r.retainedObjects() > 0
            ? "; " + r.retainedObjects() + " stay in the bucket under its retention rules"
            : "");
    return 0;
  }

  private static Map<String, Object> entry(Forget.Decision d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("time", d.time());
    m.put("host", d.host());
    m.put("paths", d.paths());
    if (d.kept()) {
      m.put("reasons", List.copyOf(d.reasons()));
    }
    return m;
  }
}
