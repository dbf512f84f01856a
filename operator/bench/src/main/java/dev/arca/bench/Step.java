package dev.arca.bench;

/** The measured steps, in the order they run. */
public enum Step {
  INIT("init"),
  FULL("full backup"),
  NO_CHANGE("no-change incremental"),
  ONE_TENSOR("one-tensor incremental"),
  RESTORE("full restore"),
  RESTORE_FILE("restore one large file"),
  RESTORE_FOLDER("restore one folder"),
  CHECKPOINT("new checkpoint, frozen half shared"),
  WEIGHTS("BF16 weights alone, new repository");

  private final String label;

  Step(String label) {
    this.label = label;
  }

  /** How the report names the step. */
  public String label() {
    return label;
  }
}
