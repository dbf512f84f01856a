package dev.arca.engine.format;

import java.io.IOException;

/**
 * A field of a stored JSON object that parses but breaks the format's rules (a list longer than its
 * limit, an entry with a bad name). Its message says what, beginning with "its" so that it reads
 * after the object's name: {@code snapshots/ab12... is damaged: its checkpoints list ...}.
 */
public final class FormatViolation extends IOException {
  private static final long serialVersionUID = 1L;

  public FormatViolation(String message) {
    super(message);
  }
}
