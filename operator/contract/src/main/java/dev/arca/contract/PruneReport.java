package dev.arca.contract;

/**
 * What {@code arca prune --json} prints, and what the engine's prune returns. Byte counts are
 * stored (compressed, encrypted) bytes.
 *
 * @param dryRun nothing was changed
 * @param snapshots snapshots whose data was kept
 * @param packs packs in the repository before the run
 * @param usedBytes bytes of blobs that snapshots need
 * @param unusedBytes bytes of blobs no snapshot needs, before the run
 * @param markedPacks packs newly marked as garbage (deleted by a later run after the grace period)
 * @param markedBytes their size
 * @param repackedPacks partly used packs whose used blobs were copied into new packs (and which
 *     were then marked)
 * @param repackedBytes bytes copied into new packs
 * @param deletedPacks packs deleted, their marks being past their grace period
 * @param reclaimedBytes bytes freed by deleting them
 * @param rescuedPacks marked packs kept because a snapshot needs them again
 * @param pendingPacks packs marked and waiting for their grace period to pass
 * @param retainedObjects deleted objects whose bytes the store keeps (a versioned bucket, for
 *     example under Object Lock retention)
 * @param leftoversRemoved temporary files and unfinished multipart uploads of killed runs, older
 *     than the grace period, that were removed
 * @param heldMarks marks past their grace period whose packs were kept because a running backup (a
 *     live writer session) may depend on them; a later run deletes them
 * @param staleSessions writer sessions of killed backups that were removed
 * @param staleParts part objects of parallel runs that never committed, older than 7 days, that
 *     were removed (their packs are marked like any unused ones)
 * @param damagedCopies damaged blob copies met while repacking: their packs were kept, the damage
 *     recorded
 * @param damageRecordsRemoved damage records removed: the packs they name are gone, or they could
 *     not be read
 * @param lockedUntil the latest Object Lock retain-until date of the packs this run deleted that
 *     the store keeps (RFC 3339): until then their versions cannot be deleted; null when none
 * @param erasures the erasures (rewrites) whose blobs prune is to remove, and where they stand
 *     after this run
 * @param unreadableErasures erasure records that cannot be read (key to why): kept, and reported
 *     until repaired or removed by hand
 * @param durationMs wall time of the run
 */
public record PruneReport(
    boolean dryRun,
    int snapshots,
    int packs,
    long usedBytes,
    long unusedBytes,
    int markedPacks,
    long markedBytes,
    int repackedPacks,
    long repackedBytes,
    int deletedPacks,
    long reclaimedBytes,
    int rescuedPacks,
    int pendingPacks,
    int retainedObjects,
    int leftoversRemoved,
    int heldMarks,
    int staleSessions,
    int staleParts,
    int damagedCopies,
    int damageRecordsRemoved,
    String lockedUntil,
    java.util.List<Erasure> erasures,
    java.util.Map<String, String> unreadableErasures,
    long durationMs) {

  /**
   * One erasure ({@code arca rewrite}) and where the blobs only its erased data needed stand after
   * the run.
   *
   * @param run its id
   * @param time when the rewrite committed
   * @param snapshots snapshots it rewrote
   * @param erasedBlobs blobs only erased data needed
   * @param gone of those, gone: no index entry names them and no pack that held them is listed
   * @param pending of those, still stored (see {@code waiting})
   * @param storedAgain of those, needed again by a snapshot written since (the same data backed up
   *     again, or a rewrite kept its original): they stay while it does
   * @param sharedBlobs blobs of erased data that data which stays needed when the rewrite ran: they
   *     stay
   * @param versionsKept blobs whose pack this run deleted but whose bytes the store keeps (a
   *     versioned bucket): they go by the bucket's own retention and lifecycle rules
   * @param complete every erased blob is gone (the erasure's records are then removed, unless on a
   *     dry run)
   * @param pendingUntil the latest time a mark holding pending blobs may be swept (null when none
   *     is marked yet)
   * @param waiting up to 100 pending blobs, each "blob: why it is still stored"
   */
  public record Erasure(
      String run,
      String time,
      int snapshots,
      long erasedBlobs,
      long gone,
      long pending,
      long storedAgain,
      long sharedBlobs,
      long versionsKept,
      boolean complete,
      String pendingUntil,
      java.util.List<String> waiting) {}
}
