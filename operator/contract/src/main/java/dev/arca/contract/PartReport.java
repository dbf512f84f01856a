package dev.arca.contract;

/**
 * What {@code arca backup --part I/N --json} prints: one part of a parallel run, stored and waiting
 * for the run's commit ({@code arca commit}).
 *
 * @param run the run's id
 * @param part this part's number, 0 to {@code parts - 1}
 * @param parts how many parts the run has
 * @param partId the part object's id
 * @param reused whether an earlier attempt of this part had already stored it (nothing was read)
 * @param backup what the part read and stored ({@code snapshotId} is null: a part is no snapshot;
 *     {@code dirs} counts the folders the part walked)
 */
public record PartReport(
    String run, int part, int parts, String partId, boolean reused, BackupReport backup) {}
