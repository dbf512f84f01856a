package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.controller.jobs.Labels;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a backup Job must run to mount its sources: a ReadWriteOnce volume in use by a running pod
 * can only be mounted on that pod's node. Volumes in use on two nodes, or on different nodes for
 * different sources, are reported rather than guessed at. The policy's own Job pods are not users:
 * a backup already running for the policy says nothing about where the volume is needed.
 *
 * @param node the node the Job must run on, or null for anywhere
 * @param problem why no node works, or null
 */
record Placement(String node, String problem) {
  static Placement of(KubernetesClient client, BackupPolicy policy) {
    String ns = policy.getMetadata().getNamespace();
    List<String> pvcs =
        policy.getSpec().sources.stream().filter(s -> s.pvc != null).map(s -> s.pvc).toList();
    Set<String> nodes = new TreeSet<>();
    List<Pod> running =
        client.pods().inNamespace(ns).list().getItems().stream()
            .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
            .filter(p -> !ownJob(p, policy.getMetadata().getName()))
            .toList();
    for (String claim : pvcs) {
      PersistentVolumeClaim pvc =
          client.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
      List<String> modes =
          pvc == null || pvc.getSpec() == null || pvc.getSpec().getAccessModes() == null
              ? List.of()
              : pvc.getSpec().getAccessModes();
      boolean shared = modes.contains("ReadWriteMany") || modes.contains("ReadOnlyMany");
      if (shared || modes.isEmpty()) {
        continue;
      }
      Set<String> here = new TreeSet<>();
      for (Pod p : running) {
        if (mounts(p, claim) && p.getSpec().getNodeName() != null) {
          if (modes.contains("ReadWriteOncePod")) {
            return new Placement(
                null,
                "PVC "
                    + claim
                    + " is ReadWriteOncePod and in use by pod "
                    + p.getMetadata().getName()
                    + "; it cannot be mounted for a backup while that pod runs");
          }
          here.add(p.getSpec().getNodeName());
        }
      }
      if (here.size() > 1) {
        return new Placement(
            null,
            "PVC "
                + claim
                + " is ReadWriteOnce but in use on nodes "
                + String.join(", ", here)
                + "; not guessing which one to back up from");
      }
      nodes.addAll(here);
    }
    if (nodes.size() > 1) {
      return new Placement(
          null,
          "the sources are ReadWriteOnce volumes in use on different nodes ("
              + String.join(", ", nodes)
              + "); back them up in separate policies");
    }
    return new Placement(nodes.isEmpty() ? null : nodes.iterator().next(), null);
  }

  /** Whether {@code p} runs a Job of the policy named {@code policy}. */
  private static boolean ownJob(Pod p, String policy) {
    var labels = p.getMetadata().getLabels();
    return labels != null
        && "arca".equals(labels.get(Labels.MANAGED_BY))
        && policy.equals(labels.get(Labels.POLICY));
  }

  private static boolean mounts(Pod p, String claim) {
    if (p.getSpec() == null || p.getSpec().getVolumes() == null) {
      return false;
    }
    for (Volume v : p.getSpec().getVolumes()) {
      if (v.getPersistentVolumeClaim() != null
          && claim.equals(v.getPersistentVolumeClaim().getClaimName())) {
        return true;
      }
    }
    return false;
  }
}
