package dev.arca.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One MinIO server for the test JVM, on a free port of 127.0.0.1 with a temporary data folder,
 * stopped and removed when the JVM exits. The binary is {@code -Darca.minio=PATH}, or else built
 * (or taken from its cache) by {@code .ci/go-tools.sh minio} in the checkout.
 */
public final class Minio {
  private static Minio instance;

  private final Process process;
  private final URI uri;
  private final Path data;

  private Minio(Path binary, Path certsDir) throws IOException, InterruptedException {
    data = Files.createTempDirectory("arca-minio-");
    int port = freePort();
    int console = freePort();
    Path log = data.resolveSibling(data.getFileName() + ".log");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                binary.toString(),
                "server",
                "--quiet",
                "--address",
                "127.0.0.1:" + port,
                "--console-address",
                "127.0.0.1:" + console));
    if (certsDir != null) {
      cmd.addAll(List.of("--certs-dir", certsDir.toString()));
    }
    cmd.add(data.resolve("disk").toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("MINIO_ROOT_USER", S3Servers.ACCESS_KEY);
    pb.environment().put("MINIO_ROOT_PASSWORD", S3Servers.SECRET_KEY);
    pb.environment().put("MINIO_BROWSER", "off");
    pb.environment().put("MINIO_UPDATE", "off");
    process = pb.start();
    uri = URI.create((certsDir == null ? "http" : "https") + "://127.0.0.1:" + port);
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
    awaitReady(log, certsDir != null);
  }

  /**
   * A separate server that speaks TLS with the certificate and key in {@code certsDir} ({@code
   * public.crt}, {@code private.key}); stopped when the JVM exits.
   */
  public static Minio startTls(Path certsDir) {
    try {
      return new Minio(binary(), certsDir);
    } catch (IOException e) {
      throw new IllegalStateException("MinIO with TLS did not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting MinIO", e);
    }
  }

  /** The server, started on first use. */
  public static synchronized Minio get() {
    if (instance == null) {
      try {
        instance = new Minio(binary(), null);
      } catch (IOException e) {
        throw new IllegalStateException("MinIO did not start: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting MinIO", e);
      }
    }
    return instance;
  }

  public URI uri() {
    return uri;
  }

  private void awaitReady(Path log, boolean tls) throws IOException, InterruptedException {
    if (!tls) {
      Procs.awaitHttpOk(process, log, uri.resolve("/minio/health/ready"), "MinIO");
      return;
    }
    // No trust set up here for the health URL: a listening port will do; the SDK retries the 503
    // answers of a server still starting.
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(
            "MinIO exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (java.net.Socket probe = new java.net.Socket("127.0.0.1", uri.getPort())) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("MinIO was not ready within 60 s: " + Files.readString(log));
  }

  private void stop() {
    Procs.stopAndRemove(process, data, data.resolveSibling(data.getFileName() + ".log"));
  }

  static int freePort() {
    return Procs.freePort();
  }

  private static Path binary() throws IOException, InterruptedException {
    return GoTools.binary("minio", "arca.minio");
  }
}
