package dev.arca.it;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.StorageOptions;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.Storages;
import dev.arca.engine.storage.gcs.GcsSettings;
import dev.arca.engine.storage.s3.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fake-gcs-server (a Google Cloud Storage emulator, built from its Go module by {@code
 * .ci/go-tools.sh fake-gcs-server}) for the test JVM: plain HTTP on a free port of 127.0.0.1, its
 * objects in a temporary folder, stopped and removed when the JVM exits.
 */
public final class FakeGcs {
  private static FakeGcs instance;
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private final Process process;
  private final URI uri;
  private final Path data;

  private FakeGcs(Path binary) throws IOException, InterruptedException {
    data = Files.createTempDirectory("arca-fake-gcs-");
    int port = Procs.freePort();
    uri = URI.create("http://127.0.0.1:" + port);
    Path log = data.resolveSibling(data.getFileName() + ".log");
    process =
        new ProcessBuilder(
                List.of(
                    binary.toString(),
                    "-scheme",
                    "http",
                    "-host",
                    "127.0.0.1",
                    "-port",
                    String.valueOf(port),
                    "-external-url",
                    uri.toString(),
                    "-public-host",
                    "127.0.0.1:" + port,
                    "-backend",
                    "filesystem",
                    "-filesystem-root",
                    data.resolve("root").toString(),
                    "-log-level",
                    "warn"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
    awaitReady(log);
  }

  /** The server, started on first use. */
  public static synchronized FakeGcs get() {
    if (instance == null) {
      try {
        instance = new FakeGcs(GoTools.binary("fake-gcs-server", "arca.fakegcs"));
      } catch (IOException e) {
        throw new IllegalStateException("fake-gcs-server did not start: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting fake-gcs-server", e);
      }
    }
    return instance;
  }

  public URI uri() {
    return uri;
  }

  /** Settings that reach this server. */
  public GcsSettings settings() {
    return new GcsSettings(uri.toString(), "arca-test", null, null, null);
  }

  /** A new, empty bucket; its name. */
  public String newBucket() {
    String name = "arca-test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    try (com.google.cloud.storage.Storage admin = admin()) {
      admin.create(BucketInfo.of(name));
    } catch (Exception e) {
      throw new IllegalStateException("cannot create bucket " + name + ": " + e.getMessage(), e);
    }
    return name;
  }

  /** A store on a new bucket, under a prefix. */
  public Storage newStore() {
    return Storages.open("gs://" + newBucket() + "/repo", S3Settings.defaults(), settings());
  }

  /** A client of the server itself, for what tests set up behind the store's back. */
  public com.google.cloud.storage.Storage admin() {
    return StorageOptions.http()
        .setHost(uri.toString())
        .setProjectId("arca-test")
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
  }

  private void awaitReady(Path log) throws IOException, InterruptedException {
    Procs.awaitHttpOk(process, log, uri.resolve("/storage/v1/b"), "fake-gcs-server");
  }

  private void stop() {
    Procs.stopAndRemove(process, data, data.resolveSibling(data.getFileName() + ".log"));
  }
}
