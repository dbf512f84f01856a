package dev.arca.cli;

import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.AuditLog;
import dev.arca.engine.repo.Repository;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends a record of an audited command (restore, pipe, export, forget, rewrite, prune, key
 * changes) to the repository's audit trail once it has run: who (this host and user, and the
 * requester the operator names in {@value #REQUESTER_ENV}), what (snapshots, paths, counts), when,
 * and the outcome (ok, partial when it exits non-zero, failed when it throws). A record that cannot
 * be written (read-only credentials, a store that is down) is warned about and does not change the
 * command's outcome.
 */
final class Audit {
  /** Set by the operator on its Jobs: who asked for the run, and through which resource. */
  static final String REQUESTER_ENV = "ARCA_AUDIT_REQUESTER";

  /** What a command tells its record while it runs. */
  static final class Entry {
    private final String op;
    private final List<String> snapshots = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private String message;

    private Entry(String op) {
      this.op = op;
    }

    Entry snapshot(String id) {
      if (id != null && !snapshots.contains(id)) {
        snapshots.add(id);
      }
      return this;
    }

    Entry path(String p) {
      if (p != null) {
        paths.add(p);
      }
      return this;
    }

    Entry count(String what, long n) {
      counts.put(what, n);
      return this;
    }

    Entry message(String m) {
      message = m;
      return this;
    }
  }

  /** The command's work, telling {@code e} what it did; returns its exit code. */
  interface Body {
    int run(Entry e) throws Exception;
  }

  private Audit() {}

  /** Runs {@code body} as the audited operation {@code op} on {@code repo}. */
  static int run(Repository repo, String op, PrintWriter err, Body body) throws Exception {
    Entry e = new Entry(op);
    String outcome = "failed";
    try {
      int code = body.run(e);
      outcome = code == 0 ? "ok" : "partial";
      if (code != 0) {
        e.count("exitCode", code);
      }
      return code;
    } catch (Exception | Error x) {
      e.message(x.getMessage() == null ? x.getClass().getSimpleName() : x.getMessage());
      throw x;
    } finally {
      write(repo, e, outcome, err);
    }
  }

  /** A record of {@code op} ending now, run by this host and user for the requester, if any. */
  static AuditLog.Record record(
      String op,
      List<String> snapshots,
      List<String> paths,
      String outcome,
      String message,
      Map<String, Long> counts) {
    String requester = System.getenv(REQUESTER_ENV);
    return new AuditLog.Record(
        Instant.now().toString(),
        op,
        BackupOptions.defaultHost(),
        System.getProperty("user.name"),
        requester == null || requester.isBlank() ? null : requester,
        snapshots,
        paths,
        outcome,
        message,
        counts);
  }

  private static void write(Repository repo, Entry e, String outcome, PrintWriter err) {
    AuditLog.Record r =
        record(
            e.op,
            List.copyOf(e.snapshots),
            List.copyOf(e.paths),
            outcome,
            e.message,
            e.counts.isEmpty() ? null : e.counts);
    try {
      AuditLog.append(repo, r);
    } catch (Exception x) {
      err.println(
          "arca: warning: the audit record of this "
              + e.op
              + " could not be written to the repository: "
              + x.getMessage());
      err.flush();
    }
  }
}
