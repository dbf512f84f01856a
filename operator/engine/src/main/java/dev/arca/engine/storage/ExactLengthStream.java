package dev.arca.engine.storage;

import java.io.IOException;

/**
 * Exactly {@code length} bytes of a response body, for the stores that stream a range with one
 * request: a body that ends sooner fails the read that meets its end (with what {@link #endedEarly}
 * says), never a stream that just stops.
 */
public abstract class ExactLengthStream extends BulkInputStream {
  private final long length;
  private long remaining;

  protected ExactLengthStream(long length) {
    this.length = length;
    this.remaining = length;
  }

  /** Reads up to {@code len} bytes of the body; -1 at its end. */
  protected abstract int readBody(byte[] b, int off, int len) throws IOException;

  /**
   * The failure for a body that ended after {@code got} of {@link #length} bytes: a missing range
   * ({@link ObjectMissingException}) when the object is shorter, else a plain I/O error.
   */
  protected abstract IOException endedEarly(long got) throws IOException;

  /** Whether the body was read to its end. */
  protected boolean finished() {
    return remaining == 0;
  }

  protected long length() {
    return length;
  }

  @Override
  public final int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      return -1;
    }
    int n = readBody(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw endedEarly(length - remaining);
    }
    remaining -= n;
    return n;
  }
}
