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
 */
public record ForgetReport(
    boolean dryRun,
    List<Decision> kept,
    List<Decision> removed,
    int retainedObjects,
    Map<String, String> unreadable,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer removedCount) {

  /** A complete report (the count of a cut summary is left out). */
  public static ForgetReport of(
      boolean dryRun,
      List<Decision> kept,
      List<Decision> removed,
      int retainedObjects,
      Map<String, String> unreadable) {
    return new ForgetReport(dryRun, kept, removed, retainedObjects, unreadable, null);
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
