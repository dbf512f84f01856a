package dev.arca.engine.checkpoint;

/**
 * A file whose presence in the folder says the writer is done with it: {@code trainer_state.json}
 * (the Hugging Face Trainer writes it last), {@code .metadata} (PyTorch Distributed Checkpoint
 * writes it once every rank has written its data), or the user's {@code --checkpoint-complete
 * MARKER}.
 */
final class MarkerFile implements CompletionRule {
  /** The Hugging Face Trainer's marker. */
  static final MarkerFile TRAINER_STATE = new MarkerFile("trainer_state.json");

  /** PyTorch Distributed Checkpoint's marker. */
  static final MarkerFile DCP_METADATA = new MarkerFile(".metadata");

  private final String name;

  MarkerFile(String name) {
    this.name = name;
  }

  @Override
  public String problem(CheckpointDir folder) {
    return CheckpointDir.isFile(folder.path().resolve(name))
        ? null
        : "no completion marker " + name + " in it";
  }
}
