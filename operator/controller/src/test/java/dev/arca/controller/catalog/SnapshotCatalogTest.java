package dev.arca.controller.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.api.v1alpha1.SnapshotCatalog;
import dev.arca.api.v1alpha1.SnapshotCatalogSpec;
import dev.arca.contract.Checkpoint;
import dev.arca.contract.SnapshotsReport;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.restore.RestoreRequestReconciler;
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
 * A SnapshotCatalog against fabric8's mock API server: its import Job lists the owner's snapshots,
 * their Snapshot objects appear (and go when the repository no longer lists them), a RestoreRequest
 * by catalogRef restores from the catalog's repository with the owner checked again, and another
 * namespace's snapshots are refused unless the cluster admin allows them.
 */
@EnableKubernetesMockClient(crud = true)
class SnapshotCatalogTest {
  static final String NS = "recovered";
  static final String OLD = "aa".repeat(32);
  static final String NEW = "bb".repeat(32);
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "unused", "pw");
    OperatorConfig cfg = OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test"));
    operator =
        MockCluster.start(
            client,
            new SnapshotCatalogReconciler(cfg, Clock.systemUTC()),
            new RestoreRequestReconciler(
                cfg,
                Clock.systemUTC(),
                new dev.arca.controller.metrics.ArcaMetrics(
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry())));
  }

  @AfterEach
  void tearDown() throws Exception {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  static SnapshotCatalog catalog(String name, String fromNamespace) {
    SnapshotCatalog c = new SnapshotCatalog();
    c.getMetadata().setName(name);
    c.getMetadata().setNamespace(NS);
    c.setSpec(new SnapshotCatalogSpec());
    c.getSpec().repository = new RepositorySpec();
    c.getSpec().repository.url = "s3://offsite/models";
    c.getSpec().repository.passwordSecretRef = new SecretKeyRef("pw", "password");
    if (fromNamespace != null) {
      c.getSpec().from = new SnapshotCatalogSpec.Owner();
      c.getSpec().from.namespace = fromNamespace;
      c.getSpec().from.policy = "weights";
    }
    return c;
  }

  static SnapshotsReport.Entry entry(String id, String time, String ns) {
    return new SnapshotsReport.Entry(
        id,
        time,
        "full",
        List.of("/data/model-weights"),
        Map.of(
            "arca.dev/namespace", ns,
            "arca.dev/policy", "weights",
            "arca.dev/policy-uid", "uid-1"),
        ns + "/weights",
        null,
        40,
        4000,
        null,
        List.of(new Checkpoint("model-weights/checkpoints/step-100", 100L)));
  }

  Job importJob(int n) throws InterruptedException {
    return MockCluster.await(
        "import Job number " + n,
        () -> {
          List<Job> jobs =
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace(NS)
                  .withLabel("arca.dev/catalog")
                  .list()
                  .getItems();
          return jobs.size() >= n ? jobs.get(n - 1) : null;
        });
  }

  List<Snapshot> entries() {
    return client
        .resources(Snapshot.class)
        .inNamespace(NS)
        .withLabel("arca.dev/catalog", "dr")
        .list()
        .getItems();
  }

  @Test
  void anImportMirrorsTheOwnersSnapshotsAndARestoreRequestRestoresFromTheCatalog()
      throws Exception {
    client.resources(SnapshotCatalog.class).inNamespace(NS).resource(catalog("dr", null)).create();
    Job first = importJob(1);
    var c = first.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getCommand())
        .containsExactly("arca", "snapshots", "--json", "--tag", "arca.dev/namespace=" + NS);
    assertThat(c.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ARCA_REPO");
              assertThat(e.getValue()).isEqualTo("s3://offsite/models");
            });
    ObjectMapper json = new ObjectMapper();
    MockCluster.finish(
        client,
        first,
        true,
        json.writeValueAsString(
            new SnapshotsReport(
                List.of(
                    entry(OLD, "2026-12-01T02:00:00Z", NS), entry(NEW, "2026-12-02T02:00:00Z", NS)),
                List.of())));
    MockCluster.await("two catalog entries", () -> entries().size() == 2 ? true : null);
    Snapshot newest =
        entries().stream().filter(s -> NEW.equals(s.getSpec().snapshotId)).findFirst().get();
    assertThat(newest.getSpec().catalog).isEqualTo("dr");
    assertThat(newest.getSpec().policy).isEqualTo("weights");
    assertThat(newest.getSpec().pvcs).containsExactly("model-weights");
    assertThat(newest.getSpec().checkpointCount).isEqualTo(1);
    assertThat(newest.getMetadata().getOwnerReferences().get(0).getKind())
        .isEqualTo("SnapshotCatalog");
    SnapshotCatalog done =
        MockCluster.await(
            "status.snapshots",
            () -> {
              SnapshotCatalog got =
                  client.resources(SnapshotCatalog.class).inNamespace(NS).withName("dr").get();
              return got.getStatus() != null && got.getStatus().snapshots != null ? got : null;
            });
    assertThat(done.getStatus().snapshots).isEqualTo(2);
    assertThat(done.getStatus().conditions)
        .anySatisfy(k -> assertThat(k.getType() + "=" + k.getStatus()).isEqualTo("Ready=True"));

    RestoreRequest r = new RestoreRequest();
    r.getMetadata().setName("back");
    r.getMetadata().setNamespace(NS);
    r.setSpec(new RestoreRequestSpec());
    r.getSpec().catalogRef = new RestoreRequestSpec.CatalogRef();
    r.getSpec().catalogRef.name = "dr";
    r.getSpec().snapshot = "latest";
    r.getSpec().target = new RestoreRequestSpec.Target();
    r.getSpec().target.pvc = "restored";
    r.getSpec().target.createPVC = new RestoreRequestSpec.CreatePvc();
    client.resources(RestoreRequest.class).inNamespace(NS).resource(r).create();
    Job restore =
        MockCluster.await(
            "the restore Job",
            () ->
                client
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(NS)
                    .withLabel("arca.dev/restore")
                    .list()
                    .getItems()
                    .stream()
                    .findFirst()
                    .orElse(null));
    var rc = restore.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(rc.getCommand())
        .containsSequence("arca", "restore")
        .contains(NEW)
        .containsSequence("--host", NS + "/weights", "--tag", "arca.dev/policy=weights")
        .containsSequence("--include", "model-weights/**");
    assertThat(rc.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ARCA_REPO");
              assertThat(e.getValue()).isEqualTo("s3://offsite/models");
            });

    // the repository forgot the older snapshot: a new import removes its entry
    MockCluster.retryOnConflict(
        () -> {
          SnapshotCatalog got =
              client.resources(SnapshotCatalog.class).inNamespace(NS).withName("dr").get();
          got.getMetadata().setAnnotations(Map.of("arca.dev/run-now", "1"));
          client.resources(SnapshotCatalog.class).inNamespace(NS).resource(got).update();
        });
    Job second = importJob(2);
    MockCluster.finish(
        client,
        second,
        true,
        json.writeValueAsString(
            new SnapshotsReport(List.of(entry(NEW, "2026-12-02T02:00:00Z", NS)), List.of())));
    MockCluster.await("one catalog entry", () -> entries().size() == 1 ? true : null);
    assertThat(entries().get(0).getSpec().snapshotId).isEqualTo(NEW);
  }

  /** A snapshot whose object name is taken gets no entry, and the catalog's status says so. */
  @Test
  void aSnapshotThatGetsNoObjectIsNamedInTheStatus() throws Exception {
    Snapshot squatter = new Snapshot();
    squatter.getMetadata().setName("dr-" + OLD.substring(0, 12));
    squatter.getMetadata().setNamespace(NS);
    squatter.setSpec(
        CatalogImport.spec(catalog("other", null), entry(NEW, "2026-12-01T00:00:00Z", NS)));
    client.resources(Snapshot.class).inNamespace(NS).resource(squatter).create();
    client.resources(SnapshotCatalog.class).inNamespace(NS).resource(catalog("dr", null)).create();
    MockCluster.finish(
        client,
        importJob(1),
        true,
        new ObjectMapper()
            .writeValueAsString(
                new SnapshotsReport(
                    List.of(
                        entry(OLD, "2026-12-01T02:00:00Z", NS),
                        entry(NEW, "2026-12-02T02:00:00Z", NS)),
                    List.of())));
    SnapshotCatalog done =
        MockCluster.await(
            "status.snapshots",
            () -> {
              SnapshotCatalog got =
                  client.resources(SnapshotCatalog.class).inNamespace(NS).withName("dr").get();
              return got.getStatus() != null && got.getStatus().snapshots != null ? got : null;
            });
    assertThat(done.getStatus().snapshots).isEqualTo(2);
    assertThat(done.getStatus().message)
        .contains("1 have no Snapshot object")
        .contains(OLD + ": a Snapshot object named dr-" + OLD.substring(0, 12) + " exists already");
    assertThat(entries()).extracting(x -> x.getSpec().snapshotId).containsExactly(NEW);
  }

  @Test
  void anotherNamespacesSnapshotsAreForTheClusterAdminToAllow() throws Exception {
    client
        .resources(SnapshotCatalog.class)
        .inNamespace(NS)
        .resource(catalog("dr", "team-a"))
        .create();
    SnapshotCatalog refused =
        MockCluster.await(
            "Ready=False",
            () -> {
              SnapshotCatalog got =
                  client.resources(SnapshotCatalog.class).inNamespace(NS).withName("dr").get();
              return got.getStatus() != null
                      && got.getStatus().conditions.stream()
                          .anyMatch(k -> "False".equals(k.getStatus()))
                  ? got
                  : null;
            });
    assertThat(refused.getStatus().conditions.get(0).getReason())
        .isEqualTo("CrossNamespaceRestoreNotAllowed");
    assertThat(refused.getStatus().conditions.get(0).getMessage())
        .contains("restores.fromOtherNamespaces");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }
}
