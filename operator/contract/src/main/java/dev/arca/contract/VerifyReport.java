package dev.arca.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code arca verify --json} prints.
 *
 * @param ok no damage found (exit code 0; 3 otherwise)
 * @param snapshots snapshots checked
 * @param packs packs checked (listed and their index entries matched)
 * @param packsRead packs read in full ({@code --read-data}, {@code --read-data-subset})
 * @param blobs blobs checked
 * @param damagedObjects every damaged or missing object, each with what is wrong
 * @param affectedFiles files of snapshots that need a damaged object (the first ones)
 * @param moreAffectedFiles how many more affected files there are than listed
 * @param recordedDamage damaged blob copies this run recorded (backups store them anew)
 * @param durationMs how long the run took
 * @param damagedObjectsCount in a cut summary only: how many damaged objects the report lists
 */
public record VerifyReport(
    boolean ok,
    long snapshots,
    long packs,
    long packsRead,
    long blobs,
    List<String> damagedObjects,
    List<AffectedFile> affectedFiles,
    long moreAffectedFiles,
    long recordedDamage,
    long durationMs,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer damagedObjectsCount) {

  /** A complete report (the counts of a cut summary are left out). */
  public static VerifyReport of(
      boolean ok,
      long snapshots,
      long packs,
      long packsRead,
      long blobs,
      List<String> damagedObjects,
      List<AffectedFile> affectedFiles,
      long moreAffectedFiles,
      long recordedDamage,
      long durationMs) {
    return new VerifyReport(
        ok,
        snapshots,
        packs,
        packsRead,
        blobs,
        damagedObjects,
        affectedFiles,
        moreAffectedFiles,
        recordedDamage,
        durationMs,
        null);
  }

  /**
   * How many damaged objects were found: the list's size, or a cut summary's count; null when
   * neither is known (a summary cut to its pointer alone).
   */
  public Long damagedTotal() {
    if (damagedObjects != null) {
      return (long) damagedObjects.size();
    }
    return damagedObjectsCount == null ? null : (long) damagedObjectsCount;
  }

  /**
   * A file that needs a damaged object.
   *
   * @param snapshotId the snapshot it is in
   * @param path its path there
   */
  public record AffectedFile(String snapshotId, String path) {}
}
