package dev.arca.engine.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.Storages;
import dev.arca.engine.storage.s3.S3Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a user reads when Google Cloud Storage refuses: the client's real requests against a local
 * server that answers with GCS's JSON errors (fake-gcs-server checks no credentials and never
 * throttles).
 */
class GcsErrorsTest {
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status;
  private volatile String reason;
  private volatile String message;

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
        ("{\"error\":{\"code\":"
                + status
                + ",\"message\":\""
                + message
                + "\",\"errors\":[{\"message\":\""
                + message
                + "\",\"domain\":\"global\",\"reason\":\""
                + reason
                + "\"}]}}")
            .getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    x.sendResponseHeaders(status, body.length);
    x.getResponseBody().write(body);
    x.close();
  }

  private Storage store() {
    String ep = "http://127.0.0.1:" + server.getAddress().getPort();
    return Storages.open(
        "gs://arca-bucket/repo", S3Settings.defaults(), new GcsSettings(ep, null, 3, null, null));
  }

  private void answers(int status, String reason, String message) {
    this.status = status;
    this.reason = reason;
    this.message = message;
  }

  @Test
  void refusedCredentialsSayWhatToCheck() throws Exception {
    answers(
        403,
        "forbidden",
        "arca@p.iam.gserviceaccount.com does not have storage.objects.get access");
    try (Storage s = store()) {
      assertThatThrownBy(() -> s.read("config"))
          .isInstanceOf(ArcaException.class)
          .hasMessageContaining("GCS refused to read config in gs://arca-bucket/repo")
          .hasMessageContaining("HTTP 403")
          .hasMessageContaining("GOOGLE_APPLICATION_CREDENTIALS or workload identity");
    }
    assertThat(requests.get()).as("a refusal is not retried").isEqualTo(1);
  }

  @Test
  void aMissingBucketIsNoRepository() throws Exception {
    answers(404, "notFound", "The specified bucket does not exist.");
    try (Storage s = store()) {
      assertThatThrownBy(() -> s.create("keys/k1", new byte[] {1, 2, 3}))
          .isInstanceOfSatisfying(
              ArcaException.class,
              e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.NO_REPOSITORY))
          .hasMessageContaining("the bucket of gs://arca-bucket/repo")
          .hasMessageContaining("does not exist; create it first");
    }
  }

  @Test
  void throttlingIsRetriedThenReportedAsSuch() throws Exception {
    answers(429, "rateLimitExceeded", "The rate of change requests to the object is too high.");
    try (Storage s = store()) {
      assertThatThrownBy(() -> s.read("config"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 429")
          .hasMessageContaining("throttled");
    }
    // three attempts in the client, each time the store wrapper tries again
    assertThat(requests.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aDeleteRefusedByARetentionPolicyKeepsTheObject() throws Exception {
    answers(
        403,
        "retentionPolicyNotMet",
        "Object 'repo/data/ab/x' is subject to bucket's retention policy or object retention and"
            + " cannot be deleted or overwritten until 2027-01-01");
    try (Storage s = store()) {
      assertThat(s.delete("data/ab/x")).as("deleted for good").isFalse();
    }
  }
}
