package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole operator started as `arca operator` starts it, against the mock API server. */
@EnableKubernetesMockClient(crud = true)
class OperatorMainTest {
  KubernetesClient client;

  @Test
  void servesHealthReadinessAndPrometheusMetrics() throws Exception {
    MockCluster.installCrds(client);
    OperatorConfig cfg = OperatorConfig.fromEnv(Map.of("ARCA_METRICS_PORT", "0"));
    try (OperatorMain op = OperatorMain.start(client, cfg, true)) {
      HttpClient http = HttpClient.newHttpClient();
      for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + op.httpPort() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
      }
    }
  }
}
