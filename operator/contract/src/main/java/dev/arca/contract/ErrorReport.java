package dev.arca.contract;

/**
 * What any command prints with {@code --json} when it fails before it has a report of its own.
 *
 * @param ok always false
 * @param error what went wrong, without secrets
 * @param exitCode the process's exit code (1 failure, 2 usage, 3 damage or unreadable data)
 */
public record ErrorReport(boolean ok, String error, int exitCode) {
  /** The report of a failure with {@code message} and {@code exitCode}. */
  public static ErrorReport of(String message, int exitCode) {
    return new ErrorReport(false, message, exitCode);
  }
}
