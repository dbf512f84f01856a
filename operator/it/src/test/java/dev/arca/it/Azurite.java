package dev.arca.it;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.Storages;
import dev.arca.engine.storage.azure.AzureSettings;
import dev.arca.engine.storage.gcs.GcsSettings;
import dev.arca.engine.storage.s3.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Azurite Blob service (Azure Storage's emulator, installed from the npm registry by {@code
 * .ci/npm-tools.sh azurite}) for the test JVM: plain HTTP on a free port of 127.0.0.1, telemetry
 * off, its blobs in a temporary folder, stopped and removed when the JVM exits.
 */
public final class Azurite {
  /** Azurite's built-in account and its published development key (not a secret). */
  public static final String ACCOUNT = "devstoreaccount1";

  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static Azurite instance;
  private static final AtomicInteger CONTAINERS = new AtomicInteger();

  private final Process process;
  private final URI endpoint;
  private final Path data;

  private Azurite(Path binary) throws IOException, InterruptedException {
    data = Files.createTempDirectory("arca-azurite-");
    int port = Procs.freePort();
    endpoint = URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT);
    Path log = data.resolveSibling(data.getFileName() + ".log");
    process =
        new ProcessBuilder(
                List.of(
                    binary.toString(),
                    "--blobHost",
                    "127.0.0.1",
                    "--blobPort",
                    String.valueOf(port),
                    "--location",
                    data.toString(),
                    "--disableTelemetry",
                    "--skipApiVersionCheck",
                    "--silent"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
    awaitListening(port, log);
  }

  /** The service, started on first use. */
  public static synchronized Azurite get() {
    if (instance == null) {
      try {
        instance = new Azurite(binary());
      } catch (IOException e) {
        throw new IllegalStateException("Azurite did not start: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting Azurite", e);
      }
    }
    return instance;
  }

  /** The Blob service URL, with the account as its first path segment. */
  public URI endpoint() {
    return endpoint;
  }

  /** Settings that reach this service (the account key goes through the environment). */
  public AzureSettings settings() {
    return new AzureSettings(endpoint.toString(), null, null, null);
  }

  /** The environment of an {@code arca} process that uses this service. */
  public Map<String, String> env() {
    return Map.of("ARCA_AZURE_ENDPOINT", endpoint.toString(), "AZURE_STORAGE_KEY", KEY);
  }

  /** A new, empty container; its name. */
  public String newContainer() {
    String name = "arca-test-" + ProcessHandle.current().pid() + "-" + CONTAINERS.incrementAndGet();
    admin().createBlobContainer(name);
    return name;
  }

  /**
   * A store on a new container, under a prefix. The account key reaches the store as the CLI's
   * does, through {@code AZURE_STORAGE_KEY}: the test JVM's surefire configuration sets it.
   */
  public Storage newStore() {
    return Storages.open(
        "azblob://" + ACCOUNT + "/" + newContainer() + "/repo",
        S3Settings.defaults(),
        GcsSettings.defaults(),
        settings());
  }

  /** A client of the service itself, for what tests set up behind the store's back. */
  public BlobServiceClient admin() {
    return new BlobServiceClientBuilder()
        .endpoint(endpoint.toString())
        .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
        .buildClient();
  }

  private void awaitListening(int port, Path log) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(
            "Azurite exited with "
                + process.exitValue()
                + ": "
                + Files.readString(log, StandardCharsets.UTF_8));
      }
      try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IOException("Azurite was not listening within 60 s: " + Files.readString(log));
  }

  private static Path binary() throws IOException, InterruptedException {
    String given = System.getProperty("arca.azurite", "");
    if (!given.isBlank()) {
      return Path.of(given);
    }
    Path script = Path.of(System.getProperty("arca.checkout", "../..")).resolve(".ci/npm-tools.sh");
    Process p =
        new ProcessBuilder(List.of("bash", script.toString(), "azurite"))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0 || out.isEmpty()) {
      throw new IOException(
          script + " azurite failed (exit " + p.exitValue() + "); it needs node and npm");
    }
    return Path.of(out.substring(out.lastIndexOf('\n') + 1));
  }

  private void stop() {
    Procs.stopAndRemove(process, data, data.resolveSibling(data.getFileName() + ".log"));
  }
}
