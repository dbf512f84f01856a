package dev.arca.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What {@code arca forget --json} prints.
 *
 * @param dryRun nothing was removed ({@code --dry-run})
 * @param kept the snapshots kept, each with the rules that keep it
 * @param removed the snapshots removed (or that would be, in a dry run)
 * @param retainedObjects snapshot objects the store keeps under its retention rules (Object Lock):
 *     forgotten, their objects go when the lock ends
 * @param unreadable snapshots that could not be read (id to why), left alone (exit code 3)
 * @param removedCount in a cut summary only: how many snapshots the complete report lists removed
 * @param lockedUntil the latest Object Lock retain-until date of the removed snapshot objects the
 *     store keeps (RFC 3339): until then their versions cannot be deleted; absent when none
 * @param locksExtended objects (snapshot objects and packs) whose Object Lock retention was
 *     extended because the retention rules keep a snapshot longer; absent when none
 * @param extendedUntil the latest date a lock was extended to; absent when none
 * @param lockNotExtended kept snapshots whose Object Lock could not be extended (id to why: a
 *     folder listing that cannot be read); absent when none (exit code 3 otherwise)
 */
public record ForgetReport(
    boolean dryRun,
    List<Decision> kept,
    List<Decision> removed,
    int retainedObjects,
    Map<String, String> unreadable,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer removedCount,
    @JsonInclude(JsonInclude.Include.NON_NULL) String lockedUntil,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer locksExtended,
    @JsonInclude(JsonInclude.Include.NON_NULL) String extendedUntil,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> lockNotExtended) {

  /** A complete report (the count of a cut summary is left out). */
  public static ForgetReport of(
      boolean dryRun,
      List<Decision> kept,
      List<Decision> removed,
      int retainedObjects,
      Map<String, String> unreadable) {
    return new ForgetReport(
        dryRun, kept, removed, retainedObjects, unreadable, null, null, null, null, Map.of());
  }

  /**
   * This report with the latest retain-until date of what the store keeps locked, and the locks
   * extended ({@code extended} 0: none).
   */
  public ForgetReport withLocks(
      String until, int extended, String extendedTo, Map<String, String> notExtended) {
    return new ForgetReport(
        dryRun,
        kept,
        removed,
        retainedObjects,
        unreadable,
        removedCount,
        until,
        extended == 0 ? null : extended,
        extendedTo,
        notExtended);
  }

  /**
   * How many snapshots were removed: the list's size, or a cut summary's count; null when neither
   * is known.
   */
  public Integer removedTotal() {
    return removed != null ? Integer.valueOf(removed.size()) : removedCount;
  }

  /**
   * One snapshot's fate.
   *
   * @param id its id
   * @param time when it was taken (null for an unreadable snapshot removed by id)
   * @param host its host
   * @param paths its paths
   * @param reasons the rules that keep it; absent for a removed snapshot
   */
  public record Decision(
      String id,
      String time,
      String host,
      List<String> paths,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> reasons) {}
}
