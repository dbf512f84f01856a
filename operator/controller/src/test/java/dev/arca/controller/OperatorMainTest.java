package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.controller.backup.BackupPolicyReconciler;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
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
  KubernetesMockServer server;

  @Test
  void servesHealthReadinessAndPrometheusMetrics() throws Exception {
    MockCluster.installCrds(client);
    OperatorConfig cfg = OperatorConfig.fromEnv(Map.of("ARCA_METRICS_PORT", "0"));
    try (OperatorMain op =
        OperatorMain.start(ApiCalls.operatorClient(client), cfg, onMockServer("test"))) {
      HttpClient http = HttpClient.newHttpClient();
      for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + op.httpPort() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
      }
      // a policy's gauges appear with it and go with it (no alert for a deleted policy)
      MockCluster.pvcAndSecret(client, "llm", "models", "pw");
      createRunNowPolicy("gone");
      String series = "policy=\"gone\"";
      MockCluster.await("the policy's gauges", () -> metrics(http, op).contains(series));
      client.resources(BackupPolicy.class).inNamespace("llm").withName("gone").delete();
      MockCluster.await("the gauges to go", () -> !metrics(http, op).contains(series));
    }
  }

  /**
   * A replica on the mock API server: it has no server-side apply, and the test keeps its process
   * when a replica loses the lease, with short lease timings.
   */
  static Membership onMockServer(String identity) {
    return new Membership(
        identity,
        java.time.Duration.ofSeconds(3),
        java.time.Duration.ofSeconds(2),
        java.time.Duration.ofMillis(250),
        false,
        false);
  }

  private static String metrics(HttpClient http, OperatorMain op) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + op.httpPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void twoReplicasRunOneLeaderAndTheFollowerTakesOverWhenItStops() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, "llm", "models", "pw");
    // What a real API server answers a replica whose role grants the Lease (the chart's does).
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, leaseRulesReview())
        .always();
    OperatorConfig cfg =
        OperatorConfig.fromEnv(
            Map.of(
                "ARCA_METRICS_PORT", "0",
                "ARCA_ENGINE_IMAGE", "arca:test",
                "ARCA_LEADER_ELECTION_NAMESPACE", "arca-system"));
    OperatorMain a =
        OperatorMain.start(ApiCalls.operatorClient(client), cfg, onMockServer("replica-a"));
    try (OperatorMain b =
        OperatorMain.start(ApiCalls.operatorClient(client), cfg, onMockServer("replica-b"))) {
      String first = MockCluster.await("a leader", this::leaseHolder);
      String second = first.equals("replica-a") ? "replica-b" : "replica-a";
      createRunNowPolicy("first");
      MockCluster.await("the leader's Job", () -> jobs().size() == 1);
      assertThat(leaseHolder()).as("leadership is stable while the leader runs").isEqualTo(first);

      (first.equals("replica-a") ? a : b).close();
      assertThat(leaseHolder())
          .as("a replica that stops gives the lease up rather than letting it expire")
          .isNotEqualTo(first);
      MockCluster.await("the follower to take over", () -> second.equals(leaseHolder()));
      createRunNowPolicy("second");
      MockCluster.await("the new leader's Job", () -> jobs().size() == 2);
    } finally {
      a.close();
    }
    ApiCalls.assertAllGranted(server);
  }

  private String leaseHolder() {
    Lease l = client.leases().inNamespace("arca-system").withName(OperatorMain.LEASE).get();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }

  private java.util.List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace("llm").list().getItems();
  }

  private void createRunNowPolicy(String name) {
    BackupPolicy p = new BackupPolicy();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace("llm");
    p.getMetadata().setAnnotations(Map.of(BackupPolicyReconciler.RUN_NOW, "1"));
    BackupPolicySpec s = new BackupPolicySpec();
    s.schedule = "0 3 * * *";
    BackupPolicySpec.Source src = new BackupPolicySpec.Source();
    src.pvc = "models";
    s.sources = java.util.List.of(src);
    s.repository = new RepositorySpec();
    s.repository.url = "s3://bucket/models";
    s.repository.passwordSecretRef = new SecretKeyRef("pw", "password");
    p.setSpec(s);
    client.resources(BackupPolicy.class).inNamespace("llm").resource(p).create();
  }

  private static SelfSubjectRulesReview leaseRulesReview() {
    return new SelfSubjectRulesReviewBuilder()
        .withNewStatus()
        .withIncomplete(false)
        .addNewResourceRule()
        .withApiGroups("coordination.k8s.io")
        .withResources("leases")
        .withVerbs("get", "create", "update")
        .endResourceRule()
        .endStatus()
        .build();
  }
}
