package dev.arca.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which PVCs of a pod the scheduler waits for, and why: the scheduler says only that the pod "has
 * unbound immediate PersistentVolumeClaims"; this names each claim that is not bound, its phase,
 * its StorageClass and the newest Warning Event about it (a StorageClass that does not exist, a
 * provisioner that fails).
 */
final class UnboundClaims {
  private UnboundClaims() {}

  /**
   * Whether the scheduler's {@code message} about an unscheduled pod is about its claims (its
   * volume binding step), so that naming the claims helps.
   */
  static boolean concern(String message) {
    return message != null && message.contains("PersistentVolumeClaim");
  }

  /**
   * The claims of {@code pod} that exist and are not bound, each as "PVC NAME is not bound (phase
   * P, StorageClass C; last event: ...)", joined with "; "; null when there is none or the claims
   * cannot be read.
   */
  static String describe(KubernetesClient client, Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    List<String> out = new ArrayList<>();
    for (String name : claimNames(pod)) {
      PersistentVolumeClaim pvc = get(client, ns, name);
      if (pvc != null && !"Bound".equals(phase(pvc))) {
        out.add(describe(client, pvc));
      }
    }
    return out.isEmpty() ? null : String.join("; ", out);
  }

  private static String describe(KubernetesClient client, PersistentVolumeClaim pvc) {
    String name = pvc.getMetadata().getName();
    String sc = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
    Event last =
        WarningEvents.newest(
            client, pvc.getMetadata().getNamespace(), "PersistentVolumeClaim", name);
    return "PVC "
        + name
        + " is not bound (phase "
        + phase(pvc)
        + ", "
        + (sc == null ? "no StorageClass set" : "StorageClass " + sc)
        + (last == null ? "" : "; last event: " + WarningEvents.text(last))
        + ")";
  }

  private static List<String> claimNames(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
      return List.of();
    }
    return pod.getSpec().getVolumes().stream()
        .map(Volume::getPersistentVolumeClaim)
        .filter(c -> c != null && c.getClaimName() != null)
        .map(c -> c.getClaimName())
        .distinct()
        .toList();
  }

  private static PersistentVolumeClaim get(KubernetesClient client, String ns, String name) {
    try {
      return client.persistentVolumeClaims().inNamespace(ns).withName(name).get();
    } catch (KubernetesClientException e) {
      return null; // best effort: the scheduler's own words remain
    }
  }

  private static String phase(PersistentVolumeClaim pvc) {
    return pvc.getStatus() == null || pvc.getStatus().getPhase() == null
        ? "Pending"
        : pvc.getStatus().getPhase();
  }
}
