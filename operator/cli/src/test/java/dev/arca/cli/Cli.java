package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the arca CLI in-process or as a separate JVM and captures exit code, stdout and stderr. */
final class Cli {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 60;

  private Cli() {}

  /** What one CLI run left behind. */
  record Result(int exitCode, String stdout, String stderr) {
    /** Asserts that stdout is exactly one JSON object and returns it. */
    JsonNode json() {
      return oneJsonObject(stdout, this);
    }

    /** stdout and stderr together. */
    String output() {
      return stdout + stderr;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    }
  }

  /** Runs {@code arca args} in this JVM (no environment variables can be set). */
  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true)) {
      code = Main.run(args, o, e);
    }
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * Runs {@code arca args} in a new JVM whose environment holds only {@code env} and LC_ALL, with
   * stdout and stderr as pipes (not a terminal).
   */
  static Result exec(Map<String, String> env, String... args) {
    return exec(List.of("-Xmx256m"), env, args);
  }

  /** As {@link #exec(Map, String...)}, with these JVM options (a heap size, for example). */
  static Result exec(List<String> jvmOptions, Map<String, String> env, String... args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    List<String> cmd = new ArrayList<>();
    cmd.addAll(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-cp", cp, "dev.arca.cli.Main"));
    cmd.addAll(1, jvmOptions);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().put("LC_ALL", "C.UTF-8");
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // nothing to tell it anyway
    }
    CompletableFuture<String> out = readAsync(p.getInputStream());
    CompletableFuture<String> err = readAsync(p.getErrorStream());
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("arca " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new Result(
          p.exitValue(),
          out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
          err.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("running arca " + String.join(" ", args), e);
    }
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                f.completeExceptionally(e);
              }
            },
            "arca-cli-test-reader");
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** Asserts that {@code text} holds exactly one JSON object and nothing else. */
  static JsonNode oneJsonObject(String text, Object context) {
    try (JsonParser parser = JSON.createParser(text)) {
      JsonNode node = JSON.readTree(parser);
      assertThat(node).as("a JSON object on stdout of %s", context).isNotNull();
      assertThat(node.isObject()).as("stdout is a JSON object: %s", context).isTrue();
      assertThat(parser.nextToken()).as("nothing after the JSON object: %s", context).isNull();
      return node;
    } catch (IOException e) {
      throw new AssertionError("stdout is not one JSON object: " + context, e);
    }
  }

  /** The JSON node's field names. */
  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
