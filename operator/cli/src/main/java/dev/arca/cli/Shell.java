package dev.arca.cli;

import dev.arca.engine.ArcaException;
import dev.arca.engine.backup.StreamSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * {@code sh -c COMMAND} as a stream source of a backup ({@code --stream PATH=COMMAND}) or as the
 * consumer of a restored file ({@code --pipe PATH=COMMAND}). A command that fails is reported with
 * its exit status and the tail of its stderr; the command line itself is never repeated in messages
 * (it may hold a password).
 */
final class Shell {
  private static final int TAIL = 4096;

  private Shell() {}

  /** PATH=COMMAND, split at the first '='. */
  record Spec(String path, String command) {
    static Spec parse(String option, String value) {
      int eq = value.indexOf('=');
      if (eq <= 0 || eq == value.length() - 1) {
        throw ArcaException.usage(
            option + " takes PATH=COMMAND, e.g. " + option + " db/app.sql='pg_dump app'");
      }
      return new Spec(value.substring(0, eq), value.substring(eq + 1));
    }
  }

  /** A stream source whose output is the command's stdout. */
  static StreamSource source(Spec spec) {
    return new StreamSource() {
      @Override
      public String path() {
        return spec.path();
      }

      @Override
      public Running start() throws IOException {
        Process p = launch(spec);
        p.getOutputStream().close();
        CompletableFuture<String> err = tail(p.getErrorStream());
        return new Running() {
          @Override
          public InputStream output() {
            return p.getInputStream();
          }

          @Override
          public void finish() throws IOException {
            int code = waitFor(p);
            if (code != 0) {
              throw new ArcaException(
                  ArcaException.Kind.ERROR,
                  "stream "
                      + spec.path()
                      + ": the command exited with status "
                      + code
                      + "; nothing was saved. Its stderr: "
                      + err.join());
            }
          }

          @Override
          public void close() {
            p.destroyForcibly();
          }
        };
      }
    };
  }

  /** The content written by {@code writer} is piped into the command; fails if the command does. */
  static void pipe(Spec spec, Writer writer) throws IOException {
    Process p = launch(spec);
    CompletableFuture<String> out = tail(p.getInputStream());
    CompletableFuture<String> err = tail(p.getErrorStream());
    IOException writeFailure = null;
    try (OutputStream in = p.getOutputStream()) {
      writer.write(in);
    } catch (IOException e) {
      writeFailure = e; // mostly: the command stopped reading (broken pipe); its status says why
    } catch (RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
    int code = waitFor(p);
    out.join();
    if (code != 0) {
      throw new ArcaException(
          ArcaException.Kind.ERROR,
          "pipe "
              + spec.path()
              + ": the command exited with status "
              + code
              + ". Its stderr: "
              + err.join());
    }
    if (writeFailure != null) {
      throw new ArcaException(
          ArcaException.Kind.ERROR,
          "pipe "
              + spec.path()
              + ": the command stopped reading before the end ("
              + writeFailure.getMessage()
              + ")");
    }
  }

  /** What writes a file's content into a command's stdin. */
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private static Process launch(Spec spec) throws IOException {
    return new ProcessBuilder("sh", "-c", spec.command()).start();
  }

  private static int waitFor(Process p) throws IOException {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while waiting for the command", e);
    }
  }

  /**
   * Reads a command's output to its end on a thread of its own, copying it to arca's stderr (so a
   * Job's log shows what pg_dump or psql said) and keeping its last bytes for error messages.
   */
  private static CompletableFuture<String> tail(InputStream in) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t = new Thread(() -> f.complete(readTail(in, true)), "arca-shell-output");
    t.setDaemon(true); // its own thread: a full pipe must never wait for a busy pool
    t.start();
    return f;
  }

  private static String readTail(InputStream in, boolean forward) {
    byte[] ring = new byte[TAIL];
    long total = 0;
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        if (forward) {
          System.err.write(buf, 0, n);
          System.err.flush();
        }
        for (int i = 0; i < n; i++) {
          ring[(int) (total++ % TAIL)] = buf[i];
        }
      }
    } catch (IOException e) {
      // the process ended; what was read is the tail
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    long start = Math.max(0, total - TAIL);
    for (long i = start; i < total; i++) {
      o.write(ring[(int) (i % TAIL)]);
    }
    String s = o.toString(StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? "(empty)" : (start > 0 ? "..." : "") + s;
  }
}
