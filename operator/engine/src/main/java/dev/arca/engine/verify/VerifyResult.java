package dev.arca.engine.verify;

import java.util.List;

/**
 * What verify found.
 *
 * @param ok no damage found
 * @param snapshots snapshots checked
 * @param packs packs known to the index
 * @param packsRead packs whose every byte was read and checked
 * @param blobs blobs known to the index
 * @param damagedObjects every damaged or missing object, each "key: reason"
 * @param affectedFiles the files (or folders) of the snapshots that damaged objects touch, the
 *     first {@value Verify#MAX_AFFECTED}
 * @param moreAffected how many more affected files there are than {@code affectedFiles} names
 * @param recordedDamage damaged copies this run recorded that no earlier record named
 * @param durationMs wall time
 */
public record VerifyResult(
    boolean ok,
    long snapshots,
    long packs,
    long packsRead,
    long blobs,
    List<String> damagedObjects,
    List<AffectedFile> affectedFiles,
    long moreAffected,
    long recordedDamage,
    long durationMs) {

  /**
   * A file that cannot be restored intact.
   *
   * @param snapshotId the snapshot
   * @param path the path inside the snapshot
   */
  public record AffectedFile(String snapshotId, String path) {}
}
