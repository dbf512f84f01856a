/**
 * Restore: brings a snapshot, or the entries of it that match include globs, back into a target
 * folder; or one training checkpoint folder, chosen by step among the checkpoints the snapshots
 * record and, on request, checked blob by blob first ({@link
 * dev.arca.engine.restore.CheckpointRestore}).
 *
 * <p>Invariants: names from the repository are checked before use and links are never followed, so
 * nothing is written outside the target; a file takes its final name (a rename of a temporary file
 * in its folder) only once it is complete and every chunk and its whole SHA-256 matched (small
 * files are checked in memory before they are written), so neither damaged data nor a part of a
 * file lands under a right name, whether the restore fails, runs out of disk space or is killed;
 * temporary files an interrupted restore left are removed by the next restore into the folder;
 * files already correct are left alone ({@code if-different}), which makes restores resumable.
 */
package dev.arca.engine.restore;
