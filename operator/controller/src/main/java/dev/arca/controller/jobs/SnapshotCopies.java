package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of copyMethod Snapshot: for each such source of a backup run, a CSI VolumeSnapshot of
 * its PVC and a temporary PVC provisioned from it, both named after the run's Job and the source
 * PVC, labelled with the Job ({@link #COPY_FOR}) so that they are found when it ends. The snapshot
 * is owned by the policy, the PVC by the snapshot: deleting the snapshot deletes the PVC, and
 * deleting the policy both.
 */
public final class SnapshotCopies {
  /** Label of a VolumeSnapshot or temporary PVC: the backup Job it was made for. */
  public static final String COPY_FOR = "arca.dev/copy-for";

  /** The API group of VolumeSnapshots. */
  public static final String GROUP = "snapshot.storage.k8s.io";

  /** VolumeSnapshots (snapshot.storage.k8s.io/v1), read and written as generic resources. */
  public static final ResourceDefinitionContext VOLUME_SNAPSHOTS =
      new ResourceDefinitionContext.Builder()
          .withGroup(GROUP)
          .withVersion("v1")
          .withKind("VolumeSnapshot")
          .withPlural("volumesnapshots")
          .withNamespaced(true)
          .build();

  private SnapshotCopies() {}

  /** The name of the VolumeSnapshot and the temporary PVC of {@code pvc} in the run {@code job}. */
  public static String name(String job, String pvc) {
    return Names.of(job, "snap-" + Names.sha256(pvc).substring(0, 8));
  }

  /** The labels of a run's VolumeSnapshots and temporary PVCs. */
  public static Map<String, String> labels(String policy, String job) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Labels.MANAGED_BY, "arca");
    m.put(Labels.POLICY, policy);
    m.put(COPY_FOR, job);
    return m;
  }

  /** The label selector of every VolumeSnapshot and temporary PVC of {@code policy}'s runs. */
  public static Map<String, String> ofPolicy(String policy) {
    return Map.of(Labels.MANAGED_BY, "arca", Labels.POLICY, policy);
  }

  /** The VolumeSnapshot of source {@code s} (copyMethod Snapshot) for the run {@code job}. */
  public static GenericKubernetesResource volumeSnapshot(
      BackupPolicy p, String job, BackupPolicySpec.Source s) {
    Map<String, Object> source = Map.of("persistentVolumeClaimName", s.pvc);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("source", source);
    if (s.volumeSnapshotClassName != null) {
      spec.put("volumeSnapshotClassName", s.volumeSnapshotClassName);
    }
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(GROUP + "/v1")
        .withKind("VolumeSnapshot")
        .withMetadata(meta(p, job, s.pvc))
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }

  /**
   * The temporary PVC of source {@code s} for the run {@code job}, provisioned from its
   * VolumeSnapshot {@code snapshot} and owned by it: the source PVC's StorageClass and access
   * modes, and its size or the snapshot's {@code restoreSize}, whichever is larger.
   */
  public static PersistentVolumeClaim temporaryClaim(
      BackupPolicy p,
      String job,
      PersistentVolumeClaim source,
      Quantity restoreSize,
      HasMetadata snapshot) {
    String pvc = source.getMetadata().getName();
    // owned by its VolumeSnapshot: deleting that deletes it (the operator may not delete PVCs)
    ObjectMeta meta = meta(p, job, pvc);
    meta.setOwnerReferences(
        List.of(
            new OwnerReferenceBuilder()
                .withApiVersion(GROUP + "/v1")
                .withKind("VolumeSnapshot")
                .withName(snapshot.getMetadata().getName())
                .withUid(snapshot.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(false)
                .build()));
    var spec = source.getSpec();
    List<String> modes =
        spec == null || spec.getAccessModes() == null || spec.getAccessModes().isEmpty()
            ? List.of("ReadWriteOnce")
            : spec.getAccessModes();
    return new PersistentVolumeClaimBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withStorageClassName(spec == null ? null : spec.getStorageClassName())
        .withAccessModes(modes)
        .withNewResources()
        .addToRequests("storage", size(source, restoreSize))
        .endResources()
        .withNewDataSource()
        .withApiGroup(GROUP)
        .withKind("VolumeSnapshot")
        .withName(name(job, pvc))
        .endDataSource()
        .endSpec()
        .build();
  }

  /** The larger of the source's capacity (or request) and the snapshot's restore size. */
  static Quantity size(PersistentVolumeClaim source, Quantity restoreSize) {
    Quantity have = null;
    if (source.getStatus() != null && source.getStatus().getCapacity() != null) {
      have = source.getStatus().getCapacity().get("storage");
    }
    if (have == null && source.getSpec() != null && source.getSpec().getResources() != null) {
      var req = source.getSpec().getResources().getRequests();
      have = req == null ? null : req.get("storage");
    }
    if (have == null) {
      return restoreSize != null ? restoreSize : new Quantity("1Gi");
    }
    if (restoreSize == null) {
      return have;
    }
    return restoreSize.getNumericalAmount().compareTo(have.getNumericalAmount()) > 0
        ? restoreSize
        : have;
  }

  private static ObjectMeta meta(BackupPolicy p, String job, String pvc) {
    return new ObjectMetaBuilder()
        .withName(name(job, pvc))
        .withNamespace(p.getMetadata().getNamespace())
        .withLabels(labels(p.getMetadata().getName(), job))
        .withOwnerReferences(Owners.controller(p))
        .build();
  }
}
