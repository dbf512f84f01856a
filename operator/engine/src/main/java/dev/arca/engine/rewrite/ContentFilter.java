package dev.arca.engine.rewrite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A filter that one stored file is rewritten through ({@code --stream-filter PATH=COMMAND}), for
 * example a command that drops one user's rows from a dump: the file's stored bytes go to its
 * input, and what it writes to its output is stored as the file's new content. A filter that fails
 * leaves every snapshot as it was.
 */
public interface ContentFilter {
  /** The file it filters: its path in the snapshot (names joined by {@code /}). */
  String path();

  /** Starts the filter for one content. */
  Running start() throws IOException;

  /** A started filter. */
  interface Running extends AutoCloseable {
    /** Where the old content goes; closed by the caller at its end. */
    OutputStream input();

    /** The new content, read to its end. */
    InputStream output();

    /**
     * Called once the output is read to its end: waits for the filter and throws, with what it said
     * (never its environment), if it did not succeed.
     */
    void finish() throws IOException;

    /** Stops the filter if it still runs. */
    @Override
    void close();
  }
}
