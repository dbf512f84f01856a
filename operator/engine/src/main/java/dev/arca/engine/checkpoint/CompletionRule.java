package dev.arca.engine.checkpoint;

import java.io.IOException;

/** One rule a checkpoint folder must pass to count as complete. */
interface CompletionRule {
  /**
   * Why {@code folder} fails this rule, or null when it passes. An {@link IOException} means the
   * rule could not read what it needs (the folder is then incomplete for that reason).
   */
  String problem(CheckpointDir folder) throws IOException;
}
