package dev.arca.engine.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arca.engine.ArcaException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a user reads when Azure Blob Storage refuses: the client's real requests against a local
 * server that answers with the service's error documents (Azurite accepts its development key and
 * never throttles).
 */
class AzureErrorsTest {
  private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0wMTIzNDU2Nzg5";

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status;
  private volatile String code;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange x) throws IOException {
    requests.incrementAndGet();
    x.getRequestBody().readAllBytes();
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>"
                + code
                + "</Code><Message>refused by the test server</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/xml");
    x.getResponseHeaders().add("x-ms-error-code", code);
    if (x.getRequestMethod().equals("HEAD")) {
      x.sendResponseHeaders(status, -1);
    } else {
      x.sendResponseHeaders(status, body.length);
      x.getResponseBody().write(body);
    }
    x.close();
  }

  private AzureStorage store() {
    AzureSettings s =
        new AzureSettings(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/acct", 3, null, null)
            .resolve(Map.of());
    AzureClients.Client c =
        AzureClients.build("acct", "backups", s, Map.of("AZURE_STORAGE_KEY", KEY));
    return new AzureStorage(
        c.container(), "repo", s, new AzureErrors("azblob://acct/backups/repo", c.auth()));
  }

  private void answers(int status, String code) {
    this.status = status;
    this.code = code;
  }

  @Test
  void refusedCredentialsSayWhatToCheckWithoutTheKey() {
    answers(403, "AuthenticationFailed");
    AzureStorage s = store();
    assertThatThrownBy(() -> s.read("config"))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("Azure refused to read config in azblob://acct/backups/repo")
        .hasMessageContaining("HTTP 403 AuthenticationFailed")
        .hasMessageContaining("AZURE_STORAGE_KEY")
        .hasMessageNotContaining(KEY);
    assertThat(requests.get()).as("a refusal is not retried").isEqualTo(1);
  }

  @Test
  void aMissingContainerIsNoRepository() {
    answers(404, "ContainerNotFound");
    AzureStorage s = store();
    assertThatThrownBy(() -> s.create("keys/k1", new byte[] {1, 2, 3}, 0, 3))
        .isInstanceOfSatisfying(
            ArcaException.class,
            e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.NO_REPOSITORY))
        .hasMessageContaining("the container of azblob://acct/backups/repo")
        .hasMessageContaining("does not exist; create it first");
  }

  @Test
  void throttlingIsRetriedThenReportedAsSuch() {
    answers(503, "ServerBusy");
    AzureStorage s = store();
    assertThatThrownBy(() -> s.read("config"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 503 ServerBusy")
        .hasMessageContaining("busy or throttling");
    assertThat(requests.get()).as("attempts").isEqualTo(3);
  }

  @Test
  void aDeleteRefusedByAnImmutabilityPolicyKeepsTheBlob() throws Exception {
    answers(409, "BlobImmutableDueToPolicy");
    assertThat(store().delete("data/ab/x")).as("deleted for good").isFalse();
  }
}
