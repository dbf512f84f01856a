package dev.arca.testcluster.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.testcluster.cluster.LocalCluster;
import dev.arca.testcluster.node.NodeTools;
import dev.arca.testcluster.node.RealNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CSI storage on a real node: a PVC of the default StorageClass binds (external-provisioner and the
 * hostpath driver), a busybox pod writes a file into it (kubelet publishes the volume through the
 * driver), a VolumeSnapshot of the PVC becomes ready (snapshot-controller, csi-snapshotter), a new
 * PVC with the snapshot as its data source binds, and a pod reads the same SHA-256 from it.
 */
class CsiHostpathTest {
  private static final String NS = "default";
  private static final ResourceDefinitionContext SNAPSHOTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("snapshot.storage.k8s.io")
          .withVersion("v1")
          .withKind("VolumeSnapshot")
          .withPlural("volumesnapshots")
          .withNamespaced(true)
          .build();

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void provisionSnapshotAndRestore() {
    Optional<String> lacks = NodeTools.hostLacks();
    assumeTrue(lacks.isEmpty(), () -> "this host cannot run a real node: it lacks " + lacks.get());
    NodeTools nodeTools = NodeTools.find();
    CsiTools csiTools = CsiTools.find();
    Instant t0 = Instant.now();
    try (LocalCluster cluster = LocalCluster.start();
        RealNode node = RealNode.start(cluster)) {
      node.importImage(nodeTools.busyboxArchive());
      try (CsiHostpath csi = CsiHostpath.deploy(cluster, node, csiTools)) {
        System.out.println(
            "csi: node Ready after "
                + node.readyAfter().toMillis()
                + " ms, driver deployed and ready after "
                + csi.readyAfter().toMillis()
                + " ms");
        scenario(cluster.client(), node, csi, nodeTools.busyboxImage());
      }
      System.out.println(
          "csi: cluster, node, driver and scenario took "
              + Duration.between(t0, Instant.now()).toMillis()
              + " ms (the node's close follows)");
    }
  }

  private static void scenario(
      KubernetesClient client, RealNode node, CsiHostpath csi, String busybox) {
    Instant t0 = Instant.now();
    client.persistentVolumeClaims().inNamespace(NS).resource(pvc("source", null)).create();
    awaitBound(client, "source", csi);
    System.out.println("csi: PVC Bound after " + since(t0) + " ms");

    Pod writer =
        run(
            client,
            csi,
            node,
            "writer",
            busybox,
            "source",
            "seq 1 20000 | sed 's/^/arca line /' > /data/file && mkdir /data/sub"
                + " && echo nested > /data/sub/n && sha256sum /data/file");
    assertThat(writer.getStatus().getPhase()).isEqualTo("Succeeded");
    String sha = log(client, "writer").strip().split("\\s+")[0];
    assertThat(sha).hasSize(64);

    Instant snapshotAt = Instant.now();
    client
        .genericKubernetesResources(SNAPSHOTS)
        .inNamespace(NS)
        .resource(snapshot("snap", "source"))
        .create();
    CsiHostpath.await(
        "VolumeSnapshot snap readyToUse",
        Duration.ofSeconds(120),
        () -> snapshotReady(client, "snap"),
        () ->
            client.genericKubernetesResources(SNAPSHOTS).inNamespace(NS).withName("snap").get()
                + "\n"
                + csi.state());
    System.out.println("csi: VolumeSnapshot readyToUse after " + since(snapshotAt) + " ms");

    Instant restoreAt = Instant.now();
    client.persistentVolumeClaims().inNamespace(NS).resource(pvc("restored", "snap")).create();
    awaitBound(client, "restored", csi);
    System.out.println("csi: PVC from the snapshot Bound after " + since(restoreAt) + " ms");
    Pod reader =
        run(
            client,
            csi,
            node,
            "reader",
            busybox,
            "restored",
            "sha256sum /data/file && cat /data/sub/n");
    assertThat(reader.getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(log(client, "reader")).contains(sha + "  /data/file").contains("nested");
    System.out.println(
        "csi: provision, write, snapshot, restore and read took " + since(t0) + " ms");
  }

  private static long since(Instant t) {
    return Duration.between(t, Instant.now()).toMillis();
  }

  private static PersistentVolumeClaim pvc(String name, String fromSnapshot) {
    PersistentVolumeClaimBuilder b =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .withRequests(Map.of("storage", new Quantity("64Mi")))
            .endResources()
            .endSpec();
    if (fromSnapshot != null) {
      b.editSpec()
          .withNewDataSource()
          .withApiGroup("snapshot.storage.k8s.io")
          .withKind("VolumeSnapshot")
          .withName(fromSnapshot)
          .endDataSource()
          .endSpec();
    }
    return b.build();
  }

  private static GenericKubernetesResource snapshot(String name, String pvc) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("snapshot.storage.k8s.io/v1")
        .withKind("VolumeSnapshot")
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToAdditionalProperties(
            "spec", Map.of("source", Map.of("persistentVolumeClaimName", pvc)))
        .build();
  }

  private static boolean snapshotReady(KubernetesClient client, String name) {
    GenericKubernetesResource s =
        client.genericKubernetesResources(SNAPSHOTS).inNamespace(NS).withName(name).get();
    return s != null && Boolean.TRUE.equals(s.get("status", "readyToUse"));
  }

  private static void awaitBound(KubernetesClient client, String name, CsiHostpath csi) {
    CsiHostpath.await(
        "PVC " + name + " Bound",
        Duration.ofSeconds(90),
        () -> {
          PersistentVolumeClaim c =
              client.persistentVolumeClaims().inNamespace(NS).withName(name).get();
          return c != null && c.getStatus() != null && "Bound".equals(c.getStatus().getPhase());
        },
        () ->
            client.persistentVolumeClaims().inNamespace(NS).withName(name).get()
                + "\nevents: "
                + client.v1().events().inNamespace(NS).list().getItems().stream()
                    .map(e -> e.getReason() + ": " + e.getMessage())
                    .toList()
                + "\n"
                + csi.state());
  }

  private static Pod run(
      KubernetesClient client,
      CsiHostpath csi,
      RealNode node,
      String name,
      String image,
      String claim,
      String script) {
    Instant t0 = Instant.now();
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(1L)
                .addNewContainer()
                .withName("main")
                .withImage(image)
                .withImagePullPolicy("Never")
                .withCommand(List.of("sh", "-c", script))
                .addNewVolumeMount()
                .withName("data")
                .withMountPath("/data")
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("data")
                .withNewPersistentVolumeClaim()
                .withClaimName(claim)
                .endPersistentVolumeClaim()
                .endVolume()
                .endSpec()
                .build())
        .create();
    CsiHostpath.await(
        "pod " + name + " finished",
        Duration.ofSeconds(120),
        () -> {
          Pod p = client.pods().inNamespace(NS).withName(name).get();
          String phase = p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
          return "Succeeded".equals(phase) || "Failed".equals(phase);
        },
        () ->
            client.pods().inNamespace(NS).withName(name).get().getStatus()
                + "\nkubelet's log ends:\n"
                + node.logTail("kubelet", 40)
                + "\n"
                + csi.state());
    Pod p = client.pods().inNamespace(NS).withName(name).get();
    System.out.println(
        "csi: pod "
            + name
            + " "
            + p.getStatus().getPhase()
            + " after "
            + Duration.between(t0, Instant.now()).toMillis()
            + " ms; log: "
            + log(client, name).strip());
    return p;
  }

  private static String log(KubernetesClient client, String pod) {
    return client.pods().inNamespace(NS).withName(pod).getLog();
  }
}
