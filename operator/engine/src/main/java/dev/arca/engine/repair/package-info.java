/**
 * Repair: rebuilding what damage took, from what is left. {@link
 * dev.arca.engine.repair.IndexRepair} rebuilds the index from the packs' own headers; {@link
 * dev.arca.engine.repair.SnapshotRepair} writes new snapshots that leave out the files and folders
 * whose data is damaged or missing, so that everything else stays restorable and prune can run
 * again. Both write before they delete, create objects only, and change nothing with {@code
 * dryRun}.
 */
package dev.arca.engine.repair;
