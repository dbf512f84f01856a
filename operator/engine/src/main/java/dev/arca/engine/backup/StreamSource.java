package dev.arca.engine.backup;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream stored as a file of a snapshot: the output of a command such as {@code pg_dump}, read
 * once, chunked and deduplicated like any file. The backup fails, and no snapshot is recorded, when
 * {@link Running#finish()} says the command failed: a partial dump is never recorded as good.
 */
public interface StreamSource {
  /** Where the stream's file goes in the snapshot: a relative path such as {@code db/app.sql}. */
  String path();

  /** Starts the command; its output is read from {@link Running#output()} to the end. */
  Running start() throws IOException;

  /** A started stream. */
  interface Running extends AutoCloseable {
    InputStream output();

    /**
     * Called once the output is read to its end: waits for the command and throws, with what the
     * command said (its stderr's tail, never its environment), if it did not succeed.
     */
    void finish() throws IOException;

    /** Stops the command if it still runs (after a failure elsewhere). */
    @Override
    void close();
  }
}
