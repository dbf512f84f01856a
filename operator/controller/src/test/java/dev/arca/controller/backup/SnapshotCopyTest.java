package dev.arca.controller.backup;

import static dev.arca.controller.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.jobs.SnapshotCopies;
import dev.arca.controller.metrics.ArcaMetrics;
import dev.arca.samples.ManualClock;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * copyMethod Snapshot on the mock API server, playing the CSI snapshot controller: a run asks for
 * the VolumeSnapshots of all its Snapshot sources before anything else, starts its Job only once
 * every one is ready to use, reads temporary PVCs made from them at the sources' own paths, records
 * each snapshot's time, and leaves no VolumeSnapshot or temporary PVC behind: after success, after
 * a snapshot the driver fails, on a cluster without the VolumeSnapshot API, and across an operator
 * restart (the real CSI driver's version is in the e2e tier's real-node mode).
 */
@EnableKubernetesMockClient(crud = true)
class SnapshotCopyTest {
  static final String NS = BackupPolicyReconcilerTest.NS;
  KubernetesClient client;
  KubernetesMockServer server;
  Operator operator;
  ManualClock clock;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    claim("weights", "10Gi");
    claim("datasets", "2Gi");
    clock = new ManualClock(Instant.now().plus(Duration.ofMinutes(2)));
    operator = start();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  private Operator start() {
    return MockCluster.start(
        client,
        new BackupPolicyReconciler(
            OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test")),
            clock,
            new ArcaMetrics(new SimpleMeterRegistry())));
  }

  @Test
  void theJobReadsTemporaryClaimsOfSnapshotsTakenFirstAndNothingIsLeftAfter() throws Exception {
    volumeSnapshotApi(client);
    client.resources(BackupPolicy.class).inNamespace(NS).resource(policy("train")).create();
    List<GenericKubernetesResource> snaps = await("two VolumeSnapshots", () -> snapshots(2));
    assertThat(snaps)
        .extracting(s -> spec(s).get("source").toString())
        .containsExactlyInAnyOrder(
            "{persistentVolumeClaimName=weights}", "{persistentVolumeClaimName=datasets}");
    assertThat(snaps)
        .filteredOn(s -> spec(s).get("source").toString().contains("datasets"))
        .singleElement()
        .satisfies(s -> assertThat(spec(s)).containsEntry("volumeSnapshotClassName", "fast"));
    BackupPolicy waiting = await("the run waiting for its snapshots", () -> waitingPolicy("train"));
    String job = waiting.getStatus().activeJob;
    assertThat(condition(waiting, "Running").getMessage())
        .contains("Job " + job + " is waiting to start: its VolumeSnapshots are being taken");
    // not ready: no temporary PVC and no Job yet
    Thread.sleep(2500);
    assertThat(jobs("train")).isEmpty();
    assertThat(temporaryClaims()).isEmpty();

    ready(SnapshotCopies.name(job, "weights"), "2026-12-06T10:00:00Z", "12Gi");
    ready(SnapshotCopies.name(job, "datasets"), "2026-12-06T10:00:01Z", null);
    Job started = await("the backup Job", () -> jobs("train").stream().findFirst().orElse(null));
    assertThat(started.getMetadata().getName()).isEqualTo(job);
    List<Volume> volumes = started.getSpec().getTemplate().getSpec().getVolumes();
    assertThat(volumes)
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactlyInAnyOrder(
            "models", SnapshotCopies.name(job, "weights"), SnapshotCopies.name(job, "datasets"));
    assertThat(started.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .contains("/data/models", "/data/weights", "/data/datasets");
    PersistentVolumeClaim tmp =
        client
            .persistentVolumeClaims()
            .inNamespace(NS)
            .withName(SnapshotCopies.name(job, "weights"))
            .get();
    assertOwnedBySnapshots(job);
    assertThat(tmp.getSpec().getDataSource().getKind()).isEqualTo("VolumeSnapshot");
    assertThat(tmp.getSpec().getDataSource().getName())
        .isEqualTo(SnapshotCopies.name(job, "weights"));
    assertThat(tmp.getSpec().getStorageClassName()).isEqualTo("csi-hostpath");
    assertThat(tmp.getSpec().getResources().getRequests().get("storage"))
        .as("the snapshot's restore size, larger than the PVC")
        .isEqualTo(new Quantity("12Gi"));
    assertThat(
            client
                .persistentVolumeClaims()
                .inNamespace(NS)
                .withName(SnapshotCopies.name(job, "datasets"))
                .get()
                .getSpec()
                .getResources()
                .getRequests()
                .get("storage"))
        .isEqualTo(new Quantity("2Gi"));

    MockCluster.finish(
        client, started, true, BackupPolicyReconcilerTest.summary("ab".repeat(32), "full"));
    BackupPolicy done =
        await(
            "the backup recorded",
            () -> {
              BackupPolicy p = get("train");
              return p.getStatus().lastBackup != null ? p : null;
            });
    assertThat(done.getStatus().lastBackup.volumeSnapshots)
        .extracting(v -> v.pvc + "@" + v.creationTime)
        .containsExactly("weights@2026-12-06T10:00:00Z", "datasets@2026-12-06T10:00:01Z");
    await("no VolumeSnapshot left", () -> snapshots(0) != null);
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName(job).get())
        .as("the Job, whose pod would hold the temporary PVCs")
        .isNull();
    assertOwnedBySnapshots(job);
    assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems())
        .as("the sources, and the temporary claims of snapshots that are gone (collected)")
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "models",
            "weights",
            "datasets",
            SnapshotCopies.name(job, "weights"),
            SnapshotCopies.name(job, "datasets"));
  }

  @Test
  void aSnapshotTheDriverFailsFailsTheRunWithTheDriversWordsAndLeavesNothing() throws Exception {
    volumeSnapshotApi(client);
    client.resources(BackupPolicy.class).inNamespace(NS).resource(policy("train")).create();
    String job = await("the run waiting", () -> waitingPolicy("train")).getStatus().activeJob;
    await("two VolumeSnapshots", () -> snapshots(2));
    ready(SnapshotCopies.name(job, "weights"), "2026-12-06T10:00:00Z", null);
    failed(
        SnapshotCopies.name(job, "datasets"),
        "Failed to get snapshot class with error volumesnapshotclass.snapshot.storage.k8s.io"
            + " \"fast\" not found");
    BackupPolicy p = failedRun();
    assertThat(p.getStatus().lastFailure.reason).isEqualTo("VolumeSnapshotFailed");
    assertThat(p.getStatus().lastFailure.message)
        .contains("backup Job " + job + " not started")
        .contains("of PVC datasets failed")
        .contains("\"fast\" not found");
    assertThat(condition(p, "LastBackupSucceeded").getStatus()).isEqualTo("False");
    assertThat(condition(p, "LastBackupSucceeded").getReason()).isEqualTo("VolumeSnapshotFailed");
    assertThat(p.getStatus().activeJob).isNull();
    assertThat(p.getStatus().snapshotWait).isNull();
    await("no VolumeSnapshot left", () -> snapshots(0) != null);
    assertThat(temporaryClaims()).as("none was made").isEmpty();
    assertThat(jobs("train")).isEmpty();
    assertThat(warnings()).anyMatch(m -> m.contains("\"fast\" not found"));
  }

  @Test
  void aClusterWithoutTheVolumeSnapshotApiGetsAClearConditionNotAHang() throws Exception {
    server
        .expect()
        .post()
        .withPath("/apis/snapshot.storage.k8s.io/v1/namespaces/" + NS + "/volumesnapshots")
        .andReturn(404, "404 page not found")
        .always();
    client.resources(BackupPolicy.class).inNamespace(NS).resource(policy("train")).create();
    BackupPolicy p = failedRun();
    assertThat(p.getStatus().lastFailure.reason).isEqualTo("VolumeSnapshotFailed");
    assertThat(p.getStatus().lastFailure.message)
        .contains("this cluster has no VolumeSnapshot API (snapshot.storage.k8s.io/v1)")
        .contains("or use copyMethod Direct");
    assertThat(condition(p, "LastBackupSucceeded").getStatus()).isEqualTo("False");
    assertThat(p.getStatus().activeJob).isNull();
    assertThat(jobs("train")).isEmpty();
  }

  @Test
  void snapshotsNeverReadyFailTheRunAtTheStartTimeout() throws Exception {
    volumeSnapshotApi(client);
    BackupPolicy policy = policy("train");
    policy.getSpec().job = new dev.arca.api.v1alpha1.JobOverrides();
    policy.getSpec().job.startTimeoutSeconds = 30L;
    client.resources(BackupPolicy.class).inNamespace(NS).resource(policy).create();
    String job = await("the run waiting", () -> waitingPolicy("train")).getStatus().activeJob;
    await("two VolumeSnapshots", () -> snapshots(2));
    ready(SnapshotCopies.name(job, "weights"), "2026-12-06T10:00:00Z", null);
    clock.advance(Duration.ofSeconds(31));
    BackupPolicy p = failedRun();
    assertThat(p.getStatus().lastFailure.message)
        .contains("not ready to use within 30 s")
        .contains("does the PVCs' CSI driver support snapshots?")
        .contains("of PVC datasets not cut")
        .doesNotContain("of PVC weights");
    // (the advanced clock may have brought the next run, with snapshots of its own)
    await(
        "no VolumeSnapshot of the failed run left",
        () -> leftovers().stream().noneMatch(o -> o.getMetadata().getName().startsWith(job)));
    assertThat(temporaryClaims()).as("none was made").isEmpty();
  }

  /**
   * The operator stops while a run waits for its snapshots, and a crashed run of before left its
   * VolumeSnapshot and temporary PVC behind (its Job ended): the next operator carries the waiting
   * run through and deletes the leftovers on its first look.
   */
  @Test
  void anOperatorRestartMidwayLeavesNothing() throws Exception {
    volumeSnapshotApi(client);
    client.resources(BackupPolicy.class).inNamespace(NS).resource(policy("train")).create();
    String job = await("the run waiting", () -> waitingPolicy("train")).getStatus().activeJob;
    await("two VolumeSnapshots", () -> snapshots(2));
    operator.stop();

    // the remains of an older run whose Job ended while no operator ran
    String old = "train-backup-202612050200";
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(old)
                .withNamespace(NS)
                .withLabels(
                    Map.of(
                        "app.kubernetes.io/managed-by",
                        "arca",
                        "arca.dev/policy",
                        "train",
                        "arca.dev/run",
                        "backup"))
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build())
        .create();
    MockCluster.finish(
        client, client.batch().v1().jobs().inNamespace(NS).withName(old).get(), false, "killed");
    BackupPolicy p = get("train");
    var snap =
        client
            .genericKubernetesResources(SnapshotCopies.VOLUME_SNAPSHOTS)
            .inNamespace(NS)
            .resource(SnapshotCopies.volumeSnapshot(p, old, p.getSpec().sources.get(1)))
            .create();
    client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .resource(
            SnapshotCopies.temporaryClaim(
                p,
                old,
                client.persistentVolumeClaims().inNamespace(NS).withName("weights").get(),
                null,
                snap))
        .create();
    ready(SnapshotCopies.name(job, "weights"), "2026-12-06T10:00:00Z", null);
    ready(SnapshotCopies.name(job, "datasets"), "2026-12-06T10:00:00Z", null);

    operator = start();
    await(
        "the older run's VolumeSnapshot and Job deleted (its PVC follows its snapshot)",
        () ->
            snapshotsNamed(old).isEmpty()
                && client.batch().v1().jobs().inNamespace(NS).withName(old).get() == null);
    Job started =
        await(
            "the backup Job",
            () ->
                jobs("train").stream()
                    .filter(j -> j.getMetadata().getName().equals(job))
                    .findFirst()
                    .orElse(null));
    MockCluster.finish(
        client, started, true, BackupPolicyReconcilerTest.summary("cd".repeat(32), "full"));
    await("no VolumeSnapshot left", () -> snapshots(0) != null);
    // the run's record is written at the end of the reconcile that deleted them
    var last = await("the run recorded", () -> get("train").getStatus().lastBackup);
    assertThat(last.volumeSnapshots).hasSize(2);
  }

  // --- the cluster

  /**
   * The VolumeSnapshot CRD, as the CSI snapshotter's CRDs install it (no status subresource here).
   */
  static void volumeSnapshotApi(KubernetesClient client) {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("volumesnapshots.snapshot.storage.k8s.io")
                .endMetadata()
                .withNewSpec()
                .withGroup("snapshot.storage.k8s.io")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("VolumeSnapshot")
                .withPlural("volumesnapshots")
                .withSingular("volumesnapshot")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  private void claim(String name, String size) {
    client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName("csi-hostpath")
                .withNewResources()
                .addToRequests("storage", new Quantity(size))
                .endResources()
                .endSpec()
                .build())
        .create();
  }

  /** A policy with a Direct source (models) and two Snapshot sources (weights, datasets). */
  private static BackupPolicy policy(String name) {
    BackupPolicy p = BackupPolicyReconcilerTest.policy(name, "* * * * *");
    BackupPolicySpec.Source weights = new BackupPolicySpec.Source();
    weights.pvc = "weights";
    weights.copyMethod = BackupPolicySpec.CopyMethod.Snapshot;
    BackupPolicySpec.Source datasets = new BackupPolicySpec.Source();
    datasets.pvc = "datasets";
    datasets.copyMethod = BackupPolicySpec.CopyMethod.Snapshot;
    datasets.volumeSnapshotClassName = "fast";
    p.getSpec().sources = List.of(p.getSpec().sources.get(0), weights, datasets);
    return p;
  }

  /** The snapshot controller's part: the snapshot is cut and ready to use. */
  private void ready(String name, String creationTime, String restoreSize) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("creationTime", creationTime);
    status.put("readyToUse", true);
    if (restoreSize != null) {
      status.put("restoreSize", restoreSize);
    }
    setStatus(client, name, status);
  }

  private void failed(String name, String message) {
    setStatus(client, name, Map.of("readyToUse", false, "error", Map.of("message", message)));
  }

  static void setStatus(KubernetesClient client, String name, Map<String, Object> status) {
    client
        .genericKubernetesResources(SnapshotCopies.VOLUME_SNAPSHOTS)
        .inNamespace(NS)
        .withName(name)
        .edit(
            s -> {
              s.getAdditionalProperties().put("status", status);
              return s;
            });
  }

  private List<GenericKubernetesResource> snapshots(int n) {
    List<GenericKubernetesResource> all =
        client
            .genericKubernetesResources(SnapshotCopies.VOLUME_SNAPSHOTS)
            .inNamespace(NS)
            .list()
            .getItems();
    return all.size() == n ? all : null;
  }

  /**
   * The run's temporary PVCs are owned by their VolumeSnapshots (the mock server has no garbage
   * collector: on a cluster, deleting the snapshot deletes the PVC, see RealNodeSnapshotCopyTest).
   */
  private void assertOwnedBySnapshots(String job) {
    for (PersistentVolumeClaim c : temporaryClaims()) {
      if (!job.equals(c.getMetadata().getLabels().get(SnapshotCopies.COPY_FOR))) {
        continue;
      }
      assertThat(c.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getKind()).isEqualTo("VolumeSnapshot");
                assertThat(o.getName()).isEqualTo(c.getMetadata().getName());
              });
    }
  }

  private List<GenericKubernetesResource> snapshotsNamed(String prefix) {
    return client
        .genericKubernetesResources(SnapshotCopies.VOLUME_SNAPSHOTS)
        .inNamespace(NS)
        .list()
        .getItems()
        .stream()
        .filter(x -> x.getMetadata().getName().startsWith(prefix))
        .toList();
  }

  /** Every VolumeSnapshot and temporary PVC there is. */
  private List<io.fabric8.kubernetes.api.model.HasMetadata> leftovers() {
    List<io.fabric8.kubernetes.api.model.HasMetadata> out = new java.util.ArrayList<>();
    out.addAll(
        client
            .genericKubernetesResources(SnapshotCopies.VOLUME_SNAPSHOTS)
            .inNamespace(NS)
            .list()
            .getItems());
    out.addAll(temporaryClaims());
    return out;
  }

  private List<PersistentVolumeClaim> temporaryClaims() {
    return client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .withLabel(SnapshotCopies.COPY_FOR)
        .list()
        .getItems();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource s) {
    return (Map<String, Object>) s.getAdditionalProperties().get("spec");
  }

  private BackupPolicy failedRun() throws InterruptedException {
    return await(
        "the run failed", () -> get("train").getStatus().lastFailure != null ? get("train") : null);
  }

  private BackupPolicy waitingPolicy(String name) {
    BackupPolicy p = get(name);
    return p.getStatus() != null && p.getStatus().snapshotWait != null ? p : null;
  }

  private BackupPolicy get(String name) {
    return client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get();
  }

  private List<Job> jobs(String policy) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel("arca.dev/policy", policy)
        .list()
        .getItems()
        .stream()
        .filter(
            j ->
                j.getStatus() == null
                    || j.getStatus().getConditions() == null
                    || j.getStatus().getConditions().isEmpty())
        .toList();
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(BackupPolicy p, String type) {
    return p.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  private List<String> warnings() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()))
        .map(e -> e.getMessage())
        .toList();
  }
}
