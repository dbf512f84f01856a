package dev.arca.cli;

import dev.arca.contract.AuditReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.repo.AuditLog;
import dev.arca.engine.repo.KeyDomains;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arca audit}: the repository's audit trail. */
@Command(
    mixinStandardHelpOptions = true,
    name = "audit",
    header = "Show who restored, exported, forgot, rewrote or re-keyed what, and when.",
    description = {
      "Lists the repository's audit records, oldest first: every restore, pipe, export,",
      "forget, rewrite, prune and key change appends one (who: host, user, and the Kubernetes",
      "user or ServiceAccount the operator ran it for; what; when; outcome). Records are",
      "only ever created; Arca deletes none. A record that cannot be read is named (exit 3).",
      "The root repository's trail also lists the destructions of the store's key domains",
      "(destroy-domain); a domain's trail (--domain) is its own."
    })
final class AuditCommand implements Callable<Integer> {
  @Mixin RepoOptions repo;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "Only records from TIME on: an RFC 3339 time, or a duration back (24h, 7d).")
  String since;

  @Override
  public Integer call() throws Exception {
    Instant from = since == null ? null : parse(since, Instant.now());
    Map<String, String> unreadable = new TreeMap<>();
    List<AuditReport.Entry> records = new ArrayList<>();
    for (AuditLog.Ref ref : AuditLog.list(repo.open(), from, unreadable::put)) {
      records.add(entry(ref.key(), ref.record()));
    }
    // the root's trail also lists the destructions of the store's key domains
    List<KeyDomains.Domain> domains =
        repo.domain() == null ? KeyDomains.list(repo.rootStorage(), stray -> {}) : List.of();
    for (KeyDomains.Domain d : domains) {
      KeyDomains.Destruction x = d.destruction();
      String key = KeyDomains.destroyedKey(d.name());
      if (x != null && x.record() == null) {
        unreadable.put(key, x.problem());
      } else if (x != null && (from == null || !Instant.parse(x.record().time()).isBefore(from))) {
        records.add(entry(key, x.record()));
      }
    }
    records.sort(
        java.util.Comparator.comparing((AuditReport.Entry e) -> Instant.parse(e.time()))
            .thenComparing(AuditReport.Entry::key));
    AuditReport report = new AuditReport(records, unreadable);
    PrintWriter out = spec.commandLine().getOut();
    if (repo.json) {
      Output.json(out, report);
    } else {
      for (AuditReport.Entry e : records) {
        out.printf(
            "%s %-10s %-7s %s@%s%s  snapshots %s%s%s%n",
            e.time(),
            e.op(),
            e.outcome(),
            e.user(),
            e.host(),
            e.requester() == null ? "" : " for " + e.requester(),
            e.snapshots().stream().map(id -> id.length() > 12 ? id.substring(0, 12) : id).toList(),
            e.paths().isEmpty() ? "" : " paths " + e.paths(),
            e.message() == null ? "" : " (" + e.message() + ")");
      }
      unreadable.forEach((k, why) -> out.println("unreadable " + k + ": " + why));
    }
    return unreadable.isEmpty() ? 0 : 3;
  }

  private static AuditReport.Entry entry(String key, AuditLog.Record r) {
    return new AuditReport.Entry(
        key,
        r.time(),
        r.op(),
        r.host(),
        r.user(),
        r.requester(),
        r.snapshots() == null ? List.of() : r.snapshots(),
        r.paths() == null ? List.of() : r.paths(),
        r.outcome(),
        r.message(),
        r.counts() == null ? Map.of() : r.counts());
  }

  /** An RFC 3339 time, or a duration before {@code now} (90m, 24h, 7d). */
  static Instant parse(String s, Instant now) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException notATime) {
      try {
        return now.minus(PruneCommand.parse(s));
      } catch (ArcaException e) {
        throw ArcaException.usage(
            "--since '" + s + "' is neither an RFC 3339 time nor a duration (24h, 7d)");
      }
    }
  }
}
