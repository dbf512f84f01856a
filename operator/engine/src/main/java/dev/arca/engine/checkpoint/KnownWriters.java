package dev.arca.engine.checkpoint;

import java.io.IOException;

/**
 * {@code --checkpoint-complete auto}: the folder carries the completion marker of a writer Arca
 * knows (Hugging Face Trainer, DeepSpeed, PyTorch Distributed Checkpoint). Any one suffices.
 */
final class KnownWriters implements CompletionRule {
  /** Why a folder no known marker covers is incomplete. */
  static final String NONE =
      "no completion marker of a known writer (trainer_state.json, DeepSpeed latest, .metadata)";

  private final DeepSpeedLatest deepSpeed = new DeepSpeedLatest();

  @Override
  public String problem(CheckpointDir folder) throws IOException {
    if (MarkerFile.TRAINER_STATE.problem(folder) == null
        || MarkerFile.DCP_METADATA.problem(folder) == null) {
      return null;
    }
    String ds = deepSpeed.problem(folder);
    if (ds == null) {
      return null;
    }
    // a DeepSpeed layout whose latest names another tag says more than the general reason
    return ds.equals(DeepSpeedLatest.NO_LATEST) ? NONE : NONE + "; " + ds;
  }
}
