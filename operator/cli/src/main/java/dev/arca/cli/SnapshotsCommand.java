package dev.arca.cli;

import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.Snapshots;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
      List<Map<String, Object>> list = new ArrayList<>();
      for (Snapshots.Ref r : all) {
        Snapshot s = r.snapshot();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("time", s.time());
        m.put("mode", s.mode());
        m.put("paths", s.paths());
        m.put("tags", s.tags() == null ? Map.of() : s.tags());
        m.put("host", s.host());
        m.put("parent", s.parent());
        m.put("files", s.stats() == null ? 0 : s.stats().files());
        m.put("bytes", s.stats() == null ? 0 : s.stats().bytes());
        if (s.repairedFrom() != null) {
          m.put("repairedFrom", s.repairedFrom());
        }
        list.add(m);
      }
      List<Map<String, Object>> bad = new ArrayList<>();
      listing
          .unreadable()
          .forEach(
              (id, why) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", id);
                m.put("problem", why);
                bad.add(m);
              });
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("snapshots", list);
      m.put("unreadable", bad);
      Output.json(out, m);
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
}
