package dev.arca.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A MinIO server on a free port of 127.0.0.1 with its data in a folder of the work directory, for
 * running every tool against S3. It shares the machine's cores with the tool under test, so its
 * figures are a lower bound for a remote server; its CPU time and the bytes it received are read
 * around each step (from /proc and from its Prometheus metrics, which it serves without auth).
 */
public final class MinioServer implements AutoCloseable {
  /** The throwaway credentials of the benchmark's server (passed to tools in the environment). */
  static final String USER = "arca-bench";

  static final String SECRET = "arca-bench-secret";

  /** Bytes of S3 requests received, in the metrics (v3) that are updated as requests end. */
  private static final String RECEIVED = "minio_api_requests_traffic_received_bytes";

  private static final String METRICS = "/minio/metrics/v3/api/requests";

  private final Process process;
  private final int port;
  private final Path data;

  private MinioServer(Process process, int port, Path data) {
    this.process = process;
    this.port = port;
    this.data = data;
  }

  /** Starts {@code binary} serving {@code data}, logging to {@code log}; waits until ready. */
  public static MinioServer start(Path binary, Path data, Path log) throws Exception {
    Files.createDirectories(data);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            binary.toString(),
            "server",
            "--quiet",
            "--address",
            "127.0.0.1:" + port,
            data.toString());
    pb.environment()
        .putAll(
            Map.of(
                "MINIO_ROOT_USER",
                USER,
                "MINIO_ROOT_PASSWORD",
                SECRET,
                "MINIO_BROWSER",
                "off",
                "MINIO_PROMETHEUS_AUTH_TYPE",
                "public"));
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    MinioServer server = new MinioServer(pb.start(), port, data);
    for (int i = 0; i < 200; i++) {
      if (!server.process.isAlive()) {
        throw new CommandRunner.Failure(
            "MinIO exited at start with " + server.process.exitValue() + "; see " + log);
      }
      if (server.get("/minio/health/ready") != null) {
        return server;
      }
      Thread.sleep(100);
    }
    server.close();
    throw new CommandRunner.Failure("MinIO did not become ready in 20 s; see " + log);
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** {@code 127.0.0.1:PORT}. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  /** The environment that gives a tool the server's credentials. */
  public Map<String, String> credentials() {
    return Map.of("AWS_ACCESS_KEY_ID", USER, "AWS_SECRET_ACCESS_KEY", SECRET);
  }

  /** Creates a bucket (a signed PUT by curl, which reads the credentials from its stdin). */
  public void createBucket(String bucket) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                "curl",
                "-sS",
                "-f",
                "-X",
                "PUT",
                "--aws-sigv4",
                "aws:amz:us-east-1:s3",
                "-K",
                "-",
                endpoint() + "/" + bucket));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream()
        .write(("user = \"" + USER + ":" + SECRET + "\"\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new CommandRunner.Failure("cannot create bucket " + bucket + ": " + out.strip());
    }
  }

  /** Where the server keeps a bucket's objects (object bytes plus small metadata files). */
  public Path bucketDir(String bucket) {
    return data.resolve(bucket);
  }

  /**
   * Total bytes of S3 requests the server has received since it started: read until two readings a
   * moment apart agree, so that the requests of a step that just ended are all counted.
   */
  public long receivedBytes() throws IOException, InterruptedException {
    long last = readReceived();
    for (int i = 0; i < 20; i++) {
      Thread.sleep(250);
      long now = readReceived();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private long readReceived() throws IOException {
    String metrics = get(METRICS);
    if (metrics == null) {
      throw new IOException("MinIO served no metrics at " + endpoint() + METRICS);
    }
    double sum = 0;
    for (String line : metrics.lines().toList()) {
      if (line.startsWith(RECEIVED + "{") && line.contains("type=\"s3\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
  }

  /** CPU time (user + system) the server has used, in seconds. */
  public double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /**
   * The server's version: the module version in the folder name {@code .ci/go-tools.sh} gives it (a
   * build from the module proxy reports only "DEVELOPMENT.GOGET"), else its version line.
   */
  public static String version(Path binary) throws Exception {
    Path folder = binary.toAbsolutePath().getParent();
    String name = folder == null ? "" : folder.getFileName().toString();
    if (name.startsWith("minio-v")) {
      return "MinIO " + name.substring("minio-".length());
    }
    CommandRunner.Captured c =
        CommandRunner.capture(List.of(binary.toString(), "--version"), Map.of());
    return c.all().lines().findFirst().orElse("MinIO (unknown version)").strip();
  }

  private String get(String path) {
    try {
      HttpURLConnection c =
          (HttpURLConnection) URI.create(endpoint() + path).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(10_000);
      if (c.getResponseCode() != 200) {
        return null;
      }
      try (InputStream in = c.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "MinIO at %s (data in %s)", endpoint(), data);
  }
}
