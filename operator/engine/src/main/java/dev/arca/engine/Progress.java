package dev.arca.engine;

/** Receives progress from long-running operations. Implementations must be thread-safe. */
public interface Progress {
  /** Ignores everything. */
  Progress NONE = new Progress() {};

  /**
   * Whether this receiver wants {@link #total} for a backup, which costs a second walk of the
   * sources (metadata only) beside the backup.
   */
  default boolean wantsTotals() {
    return false;
  }

  /** The expected totals, when known. */
  default void total(long files, long bytes) {}

  /** {@code n} more bytes of file content were read (backup) or written (restore). */
  default void bytes(long n) {}

  /** One more file is done. */
  default void fileDone() {}

  /** Something the user should know that did not stop the operation. */
  default void warn(String message) {}
}
