package dev.arca.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs helper programs of the tests (database servers and clients) and checks they worked. */
public final class Procs {
  private Procs() {}

  /** What a finished program printed. */
  public record Result(int exitCode, String stdout, String stderr) {}

  /** Whether this JVM runs as root (database servers then run as their own users). */
  public static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  /** Runs {@code cmd} to its end (at most 3 minutes); fails unless it exits with 0. */
  public static String ok(List<String> cmd) {
    Result r = run(cmd);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " exited with " + r.exitCode() + ": " + r.stderr() + r.stdout());
    }
    return r.stdout();
  }

  public static Result run(List<String> cmd) {
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> read(p.getErrorStream()), Procs::thread);
      String out = read(p.getInputStream());
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not end in 3 minutes");
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code cmd} as {@code user} when this JVM is root (runuser), else as is. */
  public static List<String> as(String user, List<String> cmd) {
    if (!ROOT) {
      return cmd;
    }
    List<String> out = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    out.addAll(cmd);
    return out;
  }

  /**
   * Starts a server ({@code cmd}, output to {@code log}) and waits up to 60 s until {@code probe}
   * exits with 0; if it dies or is not ready by then, stops it and throws with its log.
   */
  public static Process startServer(
      String name, List<String> cmd, java.nio.file.Path log, List<String> probe)
      throws IOException {
    Process server =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    java.time.Instant end = java.time.Instant.now().plusSeconds(60);
    while (run(probe).exitCode() != 0) {
      if (!server.isAlive() || java.time.Instant.now().isAfter(end)) {
        server.destroyForcibly();
        throw new IllegalStateException(
            name + " did not start: " + java.nio.file.Files.readString(log));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting " + name, e);
      }
    }
    return server;
  }

  /** A free TCP port of 127.0.0.1. */
  public static int freePort() {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Waits up to 60 s until {@code url} answers 200; fails with the server's log when its process
   * ends first or the time runs out.
   */
  public static void awaitHttpOk(
      Process process, java.nio.file.Path log, java.net.URI url, String name)
      throws IOException, InterruptedException {
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
    while (java.time.Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(
            name
                + " exited with "
                + process.exitValue()
                + ": "
                + java.nio.file.Files.readString(log));
      }
      try {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(1000);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // keep polling
      }
      Thread.sleep(100);
    }
    throw new IOException(
        name + " was not ready within 60 s: " + java.nio.file.Files.readString(log));
  }

  /** Stops a server's process and removes its data folder and log (best effort). */
  public static void stopAndRemove(
      Process process, java.nio.file.Path data, java.nio.file.Path log) {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(data);
    deleteTree(log);
  }

  /** Deletes a temporary folder and everything in it (best effort). */
  public static void deleteTree(java.nio.file.Path dir) {
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder: best effort
    }
  }

  private static void thread(Runnable r) {
    Thread t = new Thread(r, "procs-stderr");
    t.setDaemon(true);
    t.start();
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
