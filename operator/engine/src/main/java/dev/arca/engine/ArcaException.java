package dev.arca.engine;

/**
 * An error the user can act on. Its message is one line naming what went wrong, where, and what to
 * do; it never contains a secret. {@link #kind()} maps to the CLI's exit codes.
 */
public class ArcaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What class of failure this is; each maps to one documented exit code of the CLI. */
  public enum Kind {
    /** Any other error (exit code 1). */
    ERROR(1),
    /** Bad arguments (exit code 2). */
    USAGE(2),
    /** Damaged repository content found (exit code 3). */
    INTEGRITY(3),
    /** Wrong password or key (exit code 4). */
    WRONG_KEY(4),
    /** Repository does not exist or is not initialised (exit code 5). */
    NO_REPOSITORY(5);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    /** The CLI exit code for this kind. */
    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  public ArcaException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ArcaException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static ArcaException usage(String message) {
    return new ArcaException(Kind.USAGE, message);
  }

  public static ArcaException integrity(String message) {
    return new ArcaException(Kind.INTEGRITY, message);
  }
}
