package dev.arca.e2e;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * Volumes of the real node. Until the node has a CSI driver, every claim gets a static hostPath
 * PersistentVolume in the node's folder (so closing the node removes it), bound to the claim in
 * advance through its claimRef: {@link #provide} before the claim exists, for claims Arca creates
 * (a RestoreRequest's createPVC) as for the test's own. With a provisioner, {@link #CLASS} becomes
 * the driver's StorageClass (made the default) and {@link #provide} makes nothing: that is the one
 * change.
 */
final class NodeVolumes {
  /** The class of the static volumes: "" (none), which claims of no class bind to. */
  static final String CLASS = "";

  private final KubernetesClient client;
  private final Path root;

  NodeVolumes(KubernetesClient client, Path nodeDir) {
    this.client = client;
    this.root = nodeDir.resolve("volumes");
  }

  /** A 1 GiB volume for the claim ns/name, to be created later or now; its folder on the node. */
  Path provide(String ns, String name) {
    Path folder = root.resolve(ns + "-" + name);
    client
        .persistentVolumes()
        .resource(
            new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName("node-" + ns + "-" + name)
                .endMetadata()
                .withNewSpec()
                .withCapacity(java.util.Map.of("storage", new Quantity("1Gi")))
                .withAccessModes("ReadWriteOnce")
                .withPersistentVolumeReclaimPolicy("Retain")
                .withStorageClassName(CLASS)
                .withNewHostPath()
                .withPath(folder.toString())
                .withType("DirectoryOrCreate")
                .endHostPath()
                .withNewClaimRef()
                .withNamespace(ns)
                .withName(name)
                .endClaimRef()
                .endSpec()
                .build())
        .create();
    return folder;
  }

  /** The claim ns/name of 1 GiB (README's examples/pvc-model-weights.yaml) with its volume. */
  Path claim(String ns, String name) {
    Path folder = provide(ns, name);
    client
        .persistentVolumeClaims()
        .inNamespace(ns)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(CLASS.isEmpty() ? null : CLASS)
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
    return folder;
  }
}
