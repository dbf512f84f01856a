package dev.arca.testcluster.local;

import dev.arca.testcluster.cluster.Daemon;
import dev.arca.testcluster.cluster.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A MinIO server on a free port of 127.0.0.1 with fresh random credentials, its data in a folder:
 * the object store of a local cluster made by hand.
 */
final class MinioProcess implements AutoCloseable {
  final URI endpoint;
  final String accessKey = "arca-local";
  final String secretKey;
  private final Daemon daemon;

  MinioProcess(Path binary, Path dir) {
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    this.secretKey = HexFormat.of().formatHex(secret);
    int port = LocalCluster.freePort();
    endpoint = URI.create("http://127.0.0.1:" + port);
    try {
      Files.createDirectories(dir.resolve("data"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon =
        Daemon.start(
            "minio",
            List.of(
                binary.toString(),
                "server",
                dir.resolve("data").toString(),
                "--address",
                "127.0.0.1:" + port,
                "--console-address",
                "127.0.0.1:" + LocalCluster.freePort(),
                "--quiet"),
            dir.resolve("minio.log"),
            Map.of("MINIO_ROOT_USER", accessKey, "MINIO_ROOT_PASSWORD", secretKey));
    awaitLive();
  }

  /** Creates {@code bucket} (the repository's bucket: Arca does not create buckets). */
  void bucket(String bucket) {
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
            .build()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  private void awaitLive() {
    HttpClient http = HttpClient.newHttpClient();
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end) {
      daemon.checkAlive();
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(endpoint.resolve("/minio/health/live")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException("MinIO did not come up; its log ends:\n" + daemon.tail(20));
  }

  @Override
  public void close() {
    daemon.close();
  }
}
