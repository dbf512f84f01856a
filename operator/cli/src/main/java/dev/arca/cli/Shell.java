package dev.arca.cli;

import dev.arca.engine.ArcaException;
import dev.arca.engine.backup.PathCommand;
import dev.arca.engine.backup.StreamSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code sh -c COMMAND} as a stream source of a backup ({@code --stream PATH=COMMAND}), as the
 * consumer of a restored file ({@code --pipe PATH=COMMAND}), or as the filter of a stored file
 * ({@code rewrite --stream-filter PATH=COMMAND}). A command that fails is reported with its exit
 * status and the tail of its stderr; the command line itself is never repeated in messages (it may
 * hold a password). Commands run without Arca's secrets (see {@link Env}).
 */
final class Shell {
  private static final int TAIL = 4096;

  private Shell() {}

  /** PATH=COMMAND (see {@link PathCommand} for how the path ends). */
  record Spec(String path, String command) {
    static Spec parse(String option, String value) {
      PathCommand pc = PathCommand.parse(option, value);
      return new Spec(pc.path(), pc.command());
    }
  }

  /**
   * The environment commands run in: Arca's own, without the variables that hold its secrets (the
   * repository password, the object store's credentials; {@link #WITHHELD}) unless the user hands
   * one on with {@code --command-env NAME}; and the secret values that are scrubbed from anything
   * of a command's output that goes into a message.
   */
  record Env(java.util.Set<String> handOn, List<String> secrets) {
    /** Variables that hold what opens the repository or the object store. */
    static final List<String> WITHHELD =
        withTargetForms(
            List.of(
                "ARCA_PASSWORD",
                "ARCA_NEW_PASSWORD",
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                "GOOGLE_APPLICATION_CREDENTIALS",
                "AZURE_CLIENT_SECRET",
                "AZURE_CLIENT_CERTIFICATE_PASSWORD",
                "AZURE_PASSWORD",
                "AZURE_STORAGE_KEY",
                "AZURE_STORAGE_CONNECTION_STRING",
                "AZURE_STORAGE_SAS_TOKEN",
                "AZURE_FEDERATED_TOKEN_FILE"));

    /**
     * {@code names} and each one's {@code ARCA_TO_} form, a copy's target's ({@link TargetEnv}).
     */
    private static List<String> withTargetForms(List<String> names) {
      List<String> out = new ArrayList<>(names);
      names.forEach(n -> out.add(TargetEnv.targetForm(n)));
      return List.copyOf(out);
    }

    /** The policy for a run with {@code password} (may be null) and the names handed on. */
    static Env of(char[] password, List<String> handOn) {
      List<String> secrets = new ArrayList<>();
      if (password != null && password.length > 0) {
        secrets.add(new String(password));
      }
      for (String name :
          withTargetForms(
              List.of(
                  "AWS_SECRET_ACCESS_KEY",
                  "AWS_SESSION_TOKEN",
                  "AZURE_STORAGE_KEY",
                  "AZURE_STORAGE_SAS_TOKEN",
                  "AZURE_CLIENT_SECRET",
                  "ARCA_PASSWORD"))) {
        String v = System.getenv(name);
        if (v != null && !v.isEmpty()) {
          secrets.add(v);
        }
      }
      return new Env(java.util.Set.copyOf(handOn), List.copyOf(secrets));
    }

    void apply(java.util.Map<String, String> env) {
      for (String name : WITHHELD) {
        if (!handOn.contains(name)) {
          env.remove(name);
        }
      }
    }

    /** {@code text} with every secret replaced by {@code ***}. */
    String scrub(String text) {
      String out = text;
      for (String s : secrets) {
        out = out.replace(s, "***");
      }
      return out;
    }
  }

  /** A stream source whose output is the command's stdout. */
  static StreamSource source(Spec spec, Env env) {
    return new StreamSource() {
      @Override
      public String path() {
        return spec.path();
      }

      @Override
      public Running start() throws IOException {
        Process p = launch(spec, env);
        p.getOutputStream().close();
        CompletableFuture<String> err = tail(p.getErrorStream());
        return new Running() {
          @Override
          public InputStream output() {
            return p.getInputStream();
          }

          @Override
          public void finish() throws IOException {
            succeeded(p, err, env, "stream " + spec.path(), "; nothing was saved");
          }

          @Override
          public void close() {
            p.destroyForcibly();
          }
        };
      }
    };
  }

  /**
   * A filter of {@code arca rewrite --stream-filter}: a stored file's bytes go to the command's
   * stdin, its stdout is the file's new content.
   */
  static dev.arca.engine.rewrite.ContentFilter filter(Spec spec, Env env) {
    return new dev.arca.engine.rewrite.ContentFilter() {
      @Override
      public String path() {
        return spec.path();
      }

      @Override
      public Running start() throws IOException {
        Process p = launch(spec, env);
        CompletableFuture<String> err = tail(p.getErrorStream());
        return new Running() {
          @Override
          public OutputStream input() {
            return p.getOutputStream();
          }

          @Override
          public InputStream output() {
            return p.getInputStream();
          }

          @Override
          public void finish() throws IOException {
            succeeded(p, err, env, "--stream-filter " + spec.path(), "; nothing was changed");
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
  static void pipe(Spec spec, Env env, Writer writer) throws IOException {
    Process p = launch(spec, env);
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
              + env.scrub(err.join()));
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

  /**
   * Waits for {@code p}; when it exited non-zero, fails with {@code what}, its status, {@code
   * consequence} and its stderr's tail (secrets scrubbed).
   */
  private static void succeeded(
      Process p, CompletableFuture<String> err, Env env, String what, String consequence)
      throws IOException {
    int code = waitFor(p);
    if (code != 0) {
      throw new ArcaException(
          ArcaException.Kind.ERROR,
          what
              + ": the command exited with status "
              + code
              + consequence
              + ". Its stderr: "
              + env.scrub(err.join()));
    }
  }

  private static Process launch(Spec spec, Env env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", spec.command());
    env.apply(pb.environment());
    return pb.start();
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
