/**
 * Checkpoint awareness: which folders of a source are training checkpoints ({@code --checkpoints}
 * globs) and whether one is complete enough to back up. A folder is complete when its marker rule
 * passes ({@link dev.arca.engine.checkpoint.KnownWriters} under {@code auto}, or the user's {@link
 * dev.arca.engine.checkpoint.MarkerFile}) and so do Arca's structural rules ({@link
 * dev.arca.engine.checkpoint.SafetensorsShards}, {@link dev.arca.engine.checkpoint.ShardIndex}).
 * {@link dev.arca.engine.checkpoint.CheckpointRules} puts them together for a backup.
 *
 * <p>Invariants: the files judged are the user's, read within bounds (a header, an index or a
 * {@code latest} file too large to be one is a reason, never an allocation of its claimed size);
 * links are never followed; a rule that cannot read what it needs judges the folder incomplete and
 * says why. Nothing here knows Kubernetes or the repository.
 */
package dev.arca.engine.checkpoint;
