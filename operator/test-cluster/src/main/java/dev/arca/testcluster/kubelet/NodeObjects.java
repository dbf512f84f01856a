package dev.arca.testcluster.kubelet;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** The API objects of the stand-in's node: Node, its Lease, the StorageClass and its PVs. */
final class NodeObjects {
  static final String PROVISIONER = "arca.dev/kubelet-stand-in";

  private NodeObjects() {}

  static void register(KubernetesClient client, String node, int kubeletPort) {
    client
        .storage()
        .v1()
        .storageClasses()
        .resource(
            new StorageClassBuilder()
                .withNewMetadata()
                .withName(KubeletStandIn.STORAGE_CLASS)
                .withAnnotations(Map.of("storageclass.kubernetes.io/is-default-class", "true"))
                .endMetadata()
                .withProvisioner(PROVISIONER)
                .withReclaimPolicy("Retain")
                .withVolumeBindingMode("Immediate")
                .build())
        .createOr(existing -> existing.update());
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(node)
                .withLabels(
                    Map.of(
                        "kubernetes.io/hostname", node,
                        "kubernetes.io/os", "linux",
                        "kubernetes.io/arch", "amd64"))
                .endMetadata()
                .build())
        .createOr(existing -> existing.update());
    heartbeat(client, node, kubeletPort);
  }

  /** Renews the node's Lease and reports it Ready. */
  static void heartbeat(KubernetesClient client, String node, int kubeletPort) {
    String now =
        ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS).format(DateTimeFormatter.ISO_INSTANT);
    client
        .leases()
        .inNamespace("kube-node-lease")
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName(node)
                .withNamespace("kube-node-lease")
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity(node)
                .withLeaseDurationSeconds(40)
                .withRenewTime(ZonedDateTime.now())
                .endSpec()
                .build())
        .createOr(existing -> existing.update());
    NodeStatus status = status(kubeletPort, now);
    retryOnConflict(
        () ->
            client
                .nodes()
                .withName(node)
                .editStatus(
                    n -> {
                      n.setStatus(status);
                      return n;
                    }));
  }

  /** Runs an edit again while another writer's change makes it conflict (409). */
  static void retryOnConflict(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  static NodeStatus status(int kubeletPort, String now) {
    Map<String, Quantity> capacity =
        Map.of(
            "cpu", new Quantity("16"),
            "memory", new Quantity("64Gi"),
            "pods", new Quantity("110"),
            "ephemeral-storage", new Quantity("100Gi"));
    List<NodeCondition> conditions =
        List.of(
            condition("Ready", "True", "KubeletReady", now),
            condition("MemoryPressure", "False", "KubeletHasSufficientMemory", now),
            condition("DiskPressure", "False", "KubeletHasNoDiskPressure", now),
            condition("PIDPressure", "False", "KubeletHasSufficientPID", now));
    NodeStatus status =
        new NodeStatusBuilder()
            .withCapacity(capacity)
            .withAllocatable(capacity)
            .withConditions(conditions)
            .addNewAddress()
            .withType("InternalIP")
            .withAddress("127.0.0.1")
            .endAddress()
            .withNewDaemonEndpoints()
            .withNewKubeletEndpoint()
            .withPort(kubeletPort)
            .endKubeletEndpoint()
            .endDaemonEndpoints()
            .withNewNodeInfo()
            .withArchitecture("amd64")
            .withOperatingSystem("linux")
            .withOsImage("arca kubelet stand-in")
            .withKernelVersion(System.getProperty("os.version"))
            .withKubeletVersion("v1.36.3")
            .withKubeProxyVersion("")
            .withContainerRuntimeVersion("arca-stand-in://0.1")
            .withMachineID("arca-e2e")
            .withSystemUUID("arca-e2e")
            .withBootID("arca-e2e")
            .endNodeInfo()
            .build();
    // exec and attach WebSockets come through the API server unchanged (KubeletServer serves them)
    status.setAdditionalProperty("declaredFeatures", List.of("ExtendWebSocketsToKubelet"));
    return status;
  }

  private static NodeCondition condition(String type, String status, String reason, String now) {
    return new NodeConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withLastHeartbeatTime(now)
        .withLastTransitionTime(now)
        .build();
  }

  /**
   * Makes a PersistentVolume (a folder) for an unbound claim of the stand-in's class, pre-bound to
   * the claim, as an external provisioner would.
   */
  static void provision(
      KubernetesClient client, PersistentVolumeClaim pvc, Path volumes, String node)
      throws IOException {
    String cls = pvc.getSpec().getStorageClassName();
    if (!KubeletStandIn.STORAGE_CLASS.equals(cls)
        || pvc.getSpec().getVolumeName() != null && !pvc.getSpec().getVolumeName().isEmpty()
        || pvc.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String name = "pvc-" + pvc.getMetadata().getUid();
    if (client.persistentVolumes().withName(name).get() != null) {
      return;
    }
    Path dir = volumes.resolve(name);
    Files.createDirectories(dir);
    PersistentVolume pv =
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName(name)
            .withAnnotations(Map.of("pv.kubernetes.io/provisioned-by", PROVISIONER))
            .endMetadata()
            .withNewSpec()
            .withCapacity(
                Map.of("storage", pvc.getSpec().getResources().getRequests().get("storage")))
            .withAccessModes(pvc.getSpec().getAccessModes())
            .withStorageClassName(cls)
            .withPersistentVolumeReclaimPolicy("Retain")
            .withNewHostPath()
            .withPath(dir.toString())
            .withType("Directory")
            .endHostPath()
            .withNewClaimRef()
            .withApiVersion("v1")
            .withKind("PersistentVolumeClaim")
            .withNamespace(pvc.getMetadata().getNamespace())
            .withName(pvc.getMetadata().getName())
            .withUid(pvc.getMetadata().getUid())
            .endClaimRef()
            .endSpec()
            .build();
    try {
      client.persistentVolumes().resource(pv).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
