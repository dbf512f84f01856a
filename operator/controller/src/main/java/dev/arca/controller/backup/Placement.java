package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.controller.VolumeUse;
import dev.arca.controller.jobs.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where a backup's Jobs must run to mount its live sources (not those read from a VolumeSnapshot's
 * temporary PVC): each source where {@link VolumeUse} says another pod can mount it (a
 * ReadWriteOnce volume in use only on its users' node). Sources on different nodes are backed up by
 * one part per node ({@link PartPlan}); a source that can be mounted on no node is reported rather
 * than guessed at. The policy's own Job pods are not users: a backup already running for the policy
 * says nothing about where the volume is needed.
 *
 * @param nodeOf the node each pinned source (by PVC) must be mounted on
 * @param shared the sources every pod can mount at once (ReadWriteMany or ReadOnlyMany)
 * @param problem why no node works, or null
 */
record Placement(Map<String, String> nodeOf, Set<String> shared, String problem) {
  static Placement of(KubernetesClient client, BackupPolicy policy) {
    String ns = policy.getMetadata().getNamespace();
    List<String> pvcs =
        policy.getSpec().sources.stream()
            .filter(s -> s.pvc != null && !s.fromSnapshot()) // a snapshot's copy is new and free
            .map(s -> s.pvc)
            .toList();
    Map<String, String> nodeOf = new TreeMap<>();
    Set<String> shared = new TreeSet<>();
    List<Pod> pods =
        VolumeUse.unfinishedPods(
            client, ns, VolumeUse.arcaPods(Labels.POLICY, policy.getMetadata().getName()));
    for (String claim : pvcs) {
      VolumeUse use =
          VolumeUse.of(
              claim, client.persistentVolumeClaims().inNamespace(ns).withName(claim).get(), pods);
      VolumeUse.Where where = use.where();
      if (where.problem() != null) {
        return new Placement(Map.of(), Set.of(), where.problem());
      }
      if (where.node() != null) {
        nodeOf.put(claim, where.node());
      }
      if (use.shared()) {
        shared.add(claim);
      }
    }
    return new Placement(nodeOf, shared, null);
  }

  /** The nodes the pinned sources are on, sorted. */
  Set<String> nodes() {
    return new TreeSet<>(nodeOf.values());
  }

  /** The one node every pinned source is on, or null (none pinned, or several nodes). */
  String node() {
    Set<String> nodes = nodes();
    return nodes.size() == 1 ? nodes.iterator().next() : null;
  }
}
