package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.engine.Fixtures;
import dev.arca.it.Arca;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore from an S3 endpoint that cannot be connected to is reported within seconds (it took
 * minutes of retries), with the reason, and a non-zero exit code. The bound is loose, for a busy
 * machine: what it catches is backoff meant for a server that answers.
 */
class UnreachableStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void anEndpointThatRefusesConnectionsIsReportedWithinSeconds() throws Exception {
    String endpoint = "http://127.0.0.1:" + portWhereNothingListens();
    JsonNode error = restoreFrom(endpoint, Map.of());
    assertThat(error.get("error").asText())
        .containsIgnoringCase("connection refused")
        .contains(endpoint);
  }

  /**
   * The JVM is told to resolve names from a hosts file alone ({@code jdk.net.hosts.file}), so the
   * lookup of the {@code .invalid} name (RFC 2606) never leaves the machine: this machine's
   * resolver would ask a name server on the network.
   */
  @Test
  void anEndpointWhoseNameDoesNotResolveIsReportedWithinSeconds() throws Exception {
    Path hosts = Fixtures.write(tmp.resolve("hosts"), "127.0.0.1 localhost\n");
    String endpoint = "http://arca-no-such-host.invalid:9000";
    JsonNode error =
        restoreFrom(endpoint, Map.of("ARCA_JAVA_OPTS", "-Djdk.net.hosts.file=" + hosts));
    assertThat(error.get("error").asText())
        .containsIgnoringCase("unknown host")
        .contains("arca-no-such-host.invalid");
  }

  /** Runs a restore from {@code s3://bucket/x} at {@code endpoint}; returns its JSON error. */
  private JsonNode restoreFrom(String endpoint, Map<String, String> more) throws Exception {
    Map<String, String> env = new HashMap<>(more);
    env.put("AWS_ENDPOINT_URL", endpoint);
    env.put("AWS_ENDPOINT_URL_S3", ""); // blank: AWS_ENDPOINT_URL counts
    Path pw = Fixtures.write(tmp.resolve("pw"), "unreachable test password\n");
    long t0 = System.nanoTime();
    Arca.Result r =
        Arca.run(
            env,
            tmp.resolve("work"),
            Arca.restoreLatest("s3://bucket/x", pw, tmp.resolve("target"), "--json"));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    System.out.printf("%s: exit %d after %d ms%n", endpoint, r.exitCode(), took.toMillis());
    assertThat(took).as("time to report %s; stderr: %s", endpoint, r.stderr()).isLessThan(BOUND);
    assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isEqualTo(1);
    JsonNode out = JSON.readTree(r.stdout());
    assertThat(out.get("ok").asBoolean()).isFalse();
    return out;
  }

  /** A port on 127.0.0.1 that the system just handed out and nothing listens on any more. */
  private static int portWhereNothingListens() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
