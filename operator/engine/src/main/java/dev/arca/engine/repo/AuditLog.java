package dev.arca.engine.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.Hex;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The audit trail ({@code audit/<sha256>}, FORMAT.md "Audit records"): one sealed record per
 * operation that reads data out of the repository or removes or rewrites it (restore, export, pipe,
 * forget, rewrite, prune of an erasure, key changes), saying who, what, when and with what outcome.
 * Records are only ever created: no command of Arca deletes or rewrites one, and prune does not
 * look at them; with Object Lock on the bucket they cannot be deleted either.
 */
public final class AuditLog {
  public static final String PREFIX = "audit/";

  /** The largest record the format allows (plaintext). */
  public static final int MAX_RECORD = 1 << 20;

  /** What a writer keeps of a list (snapshot ids, paths) and of a message. */
  static final int MAX_LIST = 200;

  static final int MAX_TEXT = 1_024;

  private AuditLog() {}

  /**
   * One audited operation.
   *
   * @param time when it ended (RFC 3339, UTC)
   * @param op what it was: {@code restore}, {@code pipe}, {@code export}, {@code forget}, {@code
   *     rewrite}, {@code prune}, {@code key-add}, {@code key-remove}
   * @param host the host it ran on
   * @param user the operating system user it ran as
   * @param requester who asked for it, when someone else ran it for them: the operator names the
   *     Kubernetes user or ServiceAccount and the resource (absent when run by hand)
   * @param snapshots the snapshots it read, removed or wrote (ids)
   * @param paths the paths it selected or wrote to (includes, pipe paths, a target folder)
   * @param outcome {@code ok}, {@code partial} (done but with entries it could not do) or {@code
   *     failed}
   * @param message what went wrong, or a summary
   * @param counts what it did, in numbers (files, bytes, snapshots, ...)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Record(
      @JsonProperty("time") String time,
      @JsonProperty("op") String op,
      @JsonProperty("host") String host,
      @JsonProperty("user") String user,
      @JsonProperty("requester") String requester,
      @JsonProperty("snapshots") List<String> snapshots,
      @JsonProperty("paths") List<String> paths,
      @JsonProperty("outcome") String outcome,
      @JsonProperty("message") String message,
      @JsonProperty("counts") Map<String, Long> counts) {}

  /** A listed record and its key. */
  public record Ref(String key, Record record) {
    public Instant time() {
      return Instant.parse(record.time());
    }
  }

  /** Appends {@code r} (its lists and texts cut to what a writer keeps); returns its key. */
  public static String append(Repository repo, Record r) throws IOException {
    Record kept =
        new Record(
            r.time(),
            cut(r.op()),
            cut(r.host()),
            cut(r.user()),
            cut(r.requester()),
            cut(r.snapshots()),
            cut(r.paths()),
            cut(r.outcome()),
            cut(r.message()),
            r.counts() == null ? null : new LinkedHashMap<>(r.counts()));
    byte[] stored = repo.codec().sealJson(kept);
    String key = PREFIX + Hex.of(ChunkIds.sha256().digest(stored));
    repo.storage().create(key, stored);
    return key;
  }

  /**
   * The readable records from {@code since} on (null: all), oldest first; {@code damaged} hears the
   * key of each one that cannot be read and why.
   */
  public static List<Ref> list(Repository repo, Instant since, BiConsumer<String, String> damaged)
      throws IOException {
    List<Ref> out = new ArrayList<>();
    for (Storage.ObjectInfo o : repo.storage().list(PREFIX)) {
      try {
        Record r = SealedObjects.openJson(repo, o, SealedObjects.Kind.AUDIT, Record.class);
        String problem = problem(r);
        if (problem != null) {
          throw ArcaException.integrity(o.key() + " is damaged: " + problem);
        }
        Ref ref = new Ref(o.key(), r);
        if (since == null || !ref.time().isBefore(since)) {
          out.add(ref);
        }
      } catch (ObjectMissingException gone) {
        // deleted by hand meanwhile
      } catch (ArcaException e) {
        if (e.kind() != ArcaException.Kind.INTEGRITY) {
          throw e;
        }
        damaged.accept(o.key(), e.getMessage());
      }
    }
    out.sort(Comparator.comparing(Ref::time).thenComparing(Ref::key));
    return out;
  }

  private static String problem(Record r) {
    if (r.time() == null || r.op() == null || r.outcome() == null) {
      return "its time, op or outcome is missing";
    }
    try {
      Instant.parse(r.time());
    } catch (DateTimeParseException e) {
      return "its time is not an RFC 3339 instant";
    }
    return null;
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
  }

  private static List<String> cut(List<String> l) {
    if (l == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String s : l.subList(0, Math.min(l.size(), MAX_LIST))) {
      out.add(cut(s));
    }
    if (l.size() > MAX_LIST) {
      out.add("... and " + (l.size() - MAX_LIST) + " more");
    }
    return out;
  }
}
