/**
 * Backup: walks source folders, cuts files into chunks, stores the chunks the repository lacks and
 * commits a snapshot.
 *
 * <p>Invariants: packs are stored before the index that names them, and the index before the
 * snapshot, so a killed run leaves no snapshot and nothing to unlock; an incremental run reads no
 * file whose size, mtime, ctime and inode match the parent snapshot; memory is bounded by the
 * configured budget of bytes in flight, whatever the file sizes; a checkpoint folder ({@code
 * --checkpoints}) is in a snapshot only whole: complete when judged ({@link
 * dev.arca.engine.checkpoint.CheckpointRules}) and with no file in it changed, vanished or
 * unreadable while read ({@link dev.arca.engine.backup.CheckpointGate}), and otherwise left out and
 * reported.
 */
package dev.arca.engine.backup;
