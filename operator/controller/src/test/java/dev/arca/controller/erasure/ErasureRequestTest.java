package dev.arca.controller.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.ErasureRequest;
import dev.arca.api.v1alpha1.ErasureRequestSpec;
import dev.arca.api.v1alpha1.ErasureRequestStatus.Phase;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.contract.PruneReport;
import dev.arca.contract.Reports;
import dev.arca.contract.RewriteReport;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ErasureRequest against fabric8's mock API server: its rewrite Job selects its policy's
 * snapshots and carries the excludes, filters and requester; the rewrite's report goes into the
 * status; the prune Job waits while the policy runs a Job of its own; the prune's verdict on the
 * erasure completes it; a missing policy fails it with a reason.
 */
@EnableKubernetesMockClient(crud = true)
class ErasureRequestTest {
  static final String NS = "app";
  static final String FROM = "aa".repeat(32);
  static final String TO = "bb".repeat(32);
  static final String RUN = "0123456789abcdef0123456789abcdef";
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "data", "pw");
    BackupPolicy p = new BackupPolicy();
    p.getMetadata().setName("app-data");
    p.getMetadata().setNamespace(NS);
    p.setSpec(new BackupPolicySpec());
    p.getSpec().schedule = "@daily";
    p.getSpec().repository = new RepositorySpec();
    p.getSpec().repository.url = "s3://bucket/app";
    p.getSpec().repository.passwordSecretRef = new SecretKeyRef("pw", "password");
    client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
    OperatorConfig cfg = OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test"));
    operator = MockCluster.start(client, new ErasureRequestReconciler(cfg, Clock.systemUTC()));
  }

  @AfterEach
  void tearDown() throws Exception {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  ErasureRequest request(String name, String policy) {
    ErasureRequest r = new ErasureRequest();
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace(NS);
    r.getMetadata().setAnnotations(Map.of(RestoreRequest.REQUESTED_BY, "dpo@example.com"));
    r.setSpec(new ErasureRequestSpec());
    r.getSpec().policyRef = new RestoreRequestSpec.PolicyRef();
    r.getSpec().policyRef.name = policy;
    r.getSpec().exclude = List.of("data/users/42");
    ErasureRequestSpec.Filter f = new ErasureRequestSpec.Filter();
    f.path = "db/app.sql";
    f.command = "grep -v user42@example.com";
    r.getSpec().filters = List.of(f);
    return client.resources(ErasureRequest.class).inNamespace(NS).resource(r).create();
  }

  ErasureRequest get(String name) {
    return client.resources(ErasureRequest.class).inNamespace(NS).withName(name).get();
  }

  Job job(String run) throws InterruptedException {
    return MockCluster.await(
        "the " + run + " Job",
        () ->
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withLabel("arca.dev/run", run)
                .list()
                .getItems()
                .stream()
                .findFirst()
                .orElse(null));
  }

  @Test
  void rewriteThenPruneOnceThePolicyIsIdleAndTheVerdictCompletesIt() throws Exception {
    dev.arca.api.v1alpha1.Snapshot original = new dev.arca.api.v1alpha1.Snapshot();
    original.getMetadata().setName("app-data-" + FROM.substring(0, 12));
    original.getMetadata().setNamespace(NS);
    original.setSpec(new dev.arca.api.v1alpha1.SnapshotSpec());
    original.getSpec().policy = "app-data";
    original.getSpec().snapshotId = FROM;
    original.getSpec().time = "2026-12-07T10:00:00Z";
    original.getSpec().files = 10L;
    original.getSpec().bytes = 5000L;
    client
        .resources(dev.arca.api.v1alpha1.Snapshot.class)
        .inNamespace(NS)
        .resource(original)
        .create();
    request("erase-42", "app-data");
    Job rewrite = job("rewrite");
    var c = rewrite.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getCommand())
        .containsSubsequence("arca", "rewrite", "--json")
        .containsSubsequence("--host", NS + "/app-data", "--tag", "arca.dev/policy=app-data")
        .containsSubsequence("--exclude", "data/users/42")
        .containsSubsequence("--stream-filter", "db/app.sql=grep -v user42@example.com")
        .doesNotContain("--keep-originals", "arca.dev/policy-uid");
    assertThat(c.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ARCA_AUDIT_REQUESTER");
              assertThat(e.getValue()).isEqualTo("dpo@example.com (ErasureRequest app/erase-42)");
            });

    // the policy runs a Job of its own: the prune waits for it
    MockCluster.retryOnConflict(
        () -> {
          BackupPolicy p =
              client.resources(BackupPolicy.class).inNamespace(NS).withName("app-data").get();
          p.setStatus(new dev.arca.api.v1alpha1.BackupPolicyStatus());
          p.getStatus().activeJob = "app-data-backup-1";
          client.resources(BackupPolicy.class).inNamespace(NS).resource(p).updateStatus();
        });
    RewriteReport rep =
        new RewriteReport(
            false,
            false,
            List.of(
                new RewriteReport.Rewritten(
                    FROM,
                    TO,
                    "rewritten",
                    "2026-12-07T10:00:00Z",
                    NS + "/app-data",
                    3,
                    1,
                    900,
                    1,
                    true,
                    null)),
            List.of("data/users/42/"),
            0,
            List.of("db/app.sql"),
            List.of(),
            new RewriteReport.Erasure(RUN, List.of("erasures/x"), 12, 1, List.of()),
            Map.of(),
            100);
    MockCluster.finish(client, rewrite, true, Reports.json(rep));
    ErasureRequest pruning =
        MockCluster.await(
            "Pruning",
            () -> {
              ErasureRequest r = get("erase-42");
              return r.getStatus() != null && r.getStatus().phase == Phase.Pruning ? r : null;
            });
    assertThat(pruning.getStatus().rewritten).isEqualTo(1);
    assertThat(pruning.getStatus().erasedBlobs).isEqualTo(12);
    assertThat(pruning.getStatus().sharedBlobs).isEqualTo(1);
    assertThat(pruning.getStatus().erasureId).isEqualTo(RUN);
    assertThat(pruning.getStatus().requestedBy).isEqualTo("dpo@example.com");
    // the policy's Snapshot objects name what the repository holds now
    var objects =
        client.resources(dev.arca.api.v1alpha1.Snapshot.class).inNamespace(NS).list().getItems();
    assertThat(objects).extracting(o -> o.getSpec().snapshotId).containsExactly(TO);
    assertThat(objects.get(0).getSpec().files).isEqualTo(7);
    assertThat(objects.get(0).getSpec().bytes).isEqualTo(4100);
    assertThat(objects.get(0).getSpec().time).isEqualTo("2026-12-07T10:00:00Z");
    Thread.sleep(1500);
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withLabel("arca.dev/run", "prune")
                .list()
                .getItems())
        .isEmpty();

    MockCluster.retryOnConflict(
        () -> {
          BackupPolicy p =
              client.resources(BackupPolicy.class).inNamespace(NS).withName("app-data").get();
          p.getStatus().activeJob = null;
          client.resources(BackupPolicy.class).inNamespace(NS).resource(p).updateStatus();
        });
    Job prune = job("prune");
    assertThat(prune.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .containsSubsequence("arca", "prune", "--json", "--grace", "0");
    PruneReport verdict =
        new PruneReport(
            false,
            1,
            4,
            100,
            0,
            2,
            50,
            1,
            20,
            2,
            50,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            null,
            List.of(
                new PruneReport.Erasure(
                    RUN, "2026-12-07T10:00:00Z", 1, 12, 12, 0, 0, 1, 0, true, null, List.of())),
            Map.of(),
            100);
    MockCluster.finish(client, prune, true, Reports.json(verdict));
    ErasureRequest done =
        MockCluster.await(
            "Succeeded",
            () -> {
              ErasureRequest r = get("erase-42");
              return r.getStatus() != null && r.getStatus().phase == Phase.Succeeded ? r : null;
            });
    assertThat(done.getStatus().complete).isTrue();
    assertThat(done.getStatus().goneBlobs).isEqualTo(12);
    assertThat(done.getStatus().message).contains("all 12 confirmed gone");
    assertThat(done.getStatus().conditions)
        .anySatisfy(
            cond -> {
              assertThat(cond.getType()).isEqualTo("Complete");
              assertThat(cond.getStatus()).isEqualTo("True");
            });
  }

  @Test
  void aMissingPolicyFailsTheRequestWithItsReason() throws Exception {
    request("erase-nothing", "no-such-policy");
    ErasureRequest failed =
        MockCluster.await(
            "Failed",
            () -> {
              ErasureRequest r = get("erase-nothing");
              return r.getStatus() != null && r.getStatus().phase == Phase.Failed ? r : null;
            });
    assertThat(failed.getStatus().message).contains("BackupPolicy no-such-policy not found");
    assertThat(failed.getStatus().conditions.get(0).getReason()).isEqualTo("PolicyNotFound");
  }
}
