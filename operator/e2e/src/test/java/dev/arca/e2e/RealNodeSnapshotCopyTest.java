package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.controller.jobs.SnapshotCopies;
import dev.arca.samples.LlmTrees;
import dev.arca.samples.TreeDigest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * copyMethod Snapshot on a real node with the CSI hostpath driver and the upstream snapshot
 * controller: a policy of two Snapshot PVCs stores the files as they were when the snapshots were
 * cut, although the test changes both volumes the moment the snapshots are ready (before the Job
 * reads a byte); the status records each snapshot's time; the operator is killed while a second run
 * waits for or reads its snapshots and the next operator finishes it; and a VolumeSnapshotClass
 * that does not exist fails its run with the snapshot controller's words. After every run no
 * VolumeSnapshot and no temporary PVC is left.
 */
@Isolated("it deletes the operator's pod midway through a run")
class RealNodeSnapshotCopyTest {
  private static final String NS = "snapcopy";
  private static final ResourceDefinitionContext VOLUME_SNAPSHOTS = SnapshotCopies.VOLUME_SNAPSHOTS;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void snapshotsAreReadAsCutAndNothingIsLeft() throws Exception {
    assumeTrue(
        Cluster.realNode(), "CSI snapshots need the real node (the e2e pom's real-node execution)");
    Steps s = new Steps(NS);
    KubernetesClient client = Cluster.get().client();
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket = s.initRepository("arca-repository-password");
    Path weights = s.pvc("weights");
    Path data = s.pvc("data");
    LlmTrees.model(weights.resolve("model"), LlmTrees.TINY, 2, 1);
    LlmTrees.small(data, 2);
    Map<String, String> weightsAsCut = TreeDigest.of(weights);
    Map<String, String> dataAsCut = TreeDigest.of(data);

    Instant asked = Instant.now();
    s.policy(
        "train",
        null,
        bucket,
        "arca-repository-password",
        "sources: [{pvc: weights, copyMethod: Snapshot}, {pvc: data, copyMethod: Snapshot}]");
    // the moment the snapshots are ready to use, both volumes change: the backup must not see it
    s.await(
        "both VolumeSnapshots ready to use",
        () -> volumeSnapshots(client).stream().filter(RealNodeSnapshotCopyTest::ready).count(),
        n -> n == 2);
    Duration cut = Duration.between(asked, Instant.now());
    Files.writeString(weights.resolve("model/config.json"), "{\"changed\": true}");
    Files.writeString(data.resolve("after-the-snapshot.txt"), "not in the backup");
    s.awaitSnapshots("train", 1);
    Map<?, ?> last =
        s.await(
            "the backup in the policy's status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "train").get("lastBackup"),
            b -> b != null);
    List<?> taken = (List<?>) last.get("volumeSnapshots");
    assertThat(taken).as("%s", last).hasSize(2);
    Instant w = Instant.parse(((Map<?, ?>) taken.get(0)).get("creationTime").toString());
    Instant d = Instant.parse(((Map<?, ?>) taken.get(1)).get("creationTime").toString());
    System.out.printf(
        "snapshot copy: both snapshots ready %d ms after the policy was applied; cut %d ms"
            + " apart%n",
        cut.toMillis(), Duration.between(w, d).abs().toMillis());
    assertThat(Duration.between(w, d).abs()).isLessThan(Duration.ofSeconds(10));
    awaitNothingLeft(s, client);

    for (String pvc : List.of("weights", "data")) {
      s.apply(
          """
          apiVersion: arca.dev/v1alpha1
          kind: RestoreRequest
          metadata: {name: back-%s, namespace: %s}
          spec:
            policyRef: {name: train}
            sourcePVC: %s
            target:
              pvc: restored-%s
              createPVC: {size: 1Gi}
          """
              .formatted(pvc, NS, pvc, pvc));
    }
    for (String pvc : List.of("weights", "data")) {
      Map<?, ?> restored = s.awaitRestore("back-" + pvc);
      assertThat(restored.get("phase")).as("%s", restored).isEqualTo("Succeeded");
    }
    assertThat(TreeDigest.of(Cluster.volumeFolder(NS, "restored-weights")))
        .as("the volume as its snapshot cut it, not as changed after")
        .isEqualTo(weightsAsCut);
    assertThat(TreeDigest.of(Cluster.volumeFolder(NS, "restored-data"))).isEqualTo(dataAsCut);

    restartMidway(s, client);
    failingClass(s, client, bucket);
  }

  /**
   * A second run; the operator's pod is deleted while it waits for or reads its snapshots, and the
   * Deployment's next pod carries the run to its end and leaves nothing behind.
   */
  private static void restartMidway(Steps s, KubernetesClient client) {
    s.runNow("train", "2");
    s.await("the second run's VolumeSnapshots", () -> volumeSnapshots(client).size(), n -> n == 2);
    List<String> before = operatorPods(client);
    Cluster.get()
        .kubectl(
            "delete",
            "pod",
            "-n",
            Cluster.OPERATOR_NAMESPACE,
            "-l",
            "app.kubernetes.io/name=arca",
            "--wait=false")
        .orFail();
    s.awaitSnapshots("train", 2);
    awaitNothingLeft(s, client);
    assertThat(operatorPods(client))
        .as("the run was finished by the next operator pod")
        .isNotEmpty()
        .doesNotContainAnyElementsOf(before);
  }

  private static List<String> operatorPods(KubernetesClient client) {
    return client
        .pods()
        .inNamespace(Cluster.OPERATOR_NAMESPACE)
        .withLabel("app.kubernetes.io/name", "arca")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  /** A VolumeSnapshotClass that does not exist: the run fails with the controller's words. */
  private static void failingClass(Steps s, KubernetesClient client, String bucket) {
    s.policy(
        "wrong-class",
        null,
        bucket,
        "arca-repository-password",
        "sources: [{pvc: data, copyMethod: Snapshot, volumeSnapshotClassName: no-such-class}]");
    Map<?, ?> failure =
        s.await(
            "the run with a missing VolumeSnapshotClass to fail",
            () -> {
              Map<?, ?> st = s.status(Steps.POLICIES, "wrong-class");
              return st == null ? null : (Map<?, ?>) st.get("lastFailure");
            },
            f -> f != null);
    assertThat(failure.get("reason")).as("%s", failure).isEqualTo("VolumeSnapshotFailed");
    assertThat(failure.get("message").toString()).contains("of PVC data").contains("no-such-class");
    assertThat(s.condition(Steps.POLICIES, "wrong-class", "LastBackupSucceeded").get("status"))
        .isEqualTo("False");
    awaitNothingLeft(s, client);
  }

  private static void awaitNothingLeft(Steps s, KubernetesClient client) {
    s.await(
        "no VolumeSnapshot and no temporary PVC left",
        () ->
            volumeSnapshots(client).size()
                + client
                    .persistentVolumeClaims()
                    .inNamespace(NS)
                    .withLabel("arca.dev/copy-for")
                    .list()
                    .getItems()
                    .size(),
        n -> n == 0);
  }

  private static List<GenericKubernetesResource> volumeSnapshots(KubernetesClient client) {
    return client.genericKubernetesResources(VOLUME_SNAPSHOTS).inNamespace(NS).list().getItems();
  }

  private static boolean ready(GenericKubernetesResource snap) {
    Object st = snap.getAdditionalProperties().get("status");
    return st instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("readyToUse"));
  }
}
