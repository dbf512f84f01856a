package dev.arca.contract;

import java.util.List;
import java.util.Map;

/**
 * What {@code arca audit --json} prints: the repository's audit trail, oldest first.
 *
 * @param records the records from the time asked for on
 * @param unreadable records that cannot be read (key to why)
 */
public record AuditReport(List<Entry> records, Map<String, String> unreadable) {

  /**
   * One audited operation.
   *
   * @param key the record's object key
   * @param time when the operation ended
   * @param op {@code restore}, {@code pipe}, {@code export}, {@code forget}, {@code rewrite},
   *     {@code prune}, {@code key-add} or {@code key-remove}
   * @param host the host it ran on
   * @param user the operating system user it ran as
   * @param requester who asked for it when the operator ran it (a Kubernetes user or
   *     ServiceAccount, and the resource); null when run by hand
   * @param snapshots the snapshots it read, removed or wrote
   * @param paths the paths it selected or wrote to
   * @param outcome {@code ok}, {@code partial} or {@code failed}
   * @param message what went wrong, or a summary
   * @param counts what it did, in numbers
   */
  public record Entry(
      String key,
      String time,
      String op,
      String host,
      String user,
      String requester,
      List<String> snapshots,
      List<String> paths,
      String outcome,
      String message,
      Map<String, Long> counts) {}
}
