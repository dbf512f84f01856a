package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.controller.VolumeUse;
import dev.arca.controller.jobs.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a backup Job must run to mount its live sources (not those read from a VolumeSnapshot's
 * temporary PVC): each source where {@link VolumeUse} says another pod can mount it (a
 * ReadWriteOnce volume in use only on its users' node), all of them on one node. Sources that can
 * be mounted on no node, or only on different nodes, are reported rather than guessed at. The
 * policy's own Job pods are not users: a backup already running for the policy says nothing about
 * where the volume is needed.
 *
 * @param node the node the Job must run on, or null for anywhere
 * @param problem why no node works, or null
 */
record Placement(String node, String problem) {
  static Placement of(KubernetesClient client, BackupPolicy policy) {
    String ns = policy.getMetadata().getNamespace();
    List<String> pvcs =
        policy.getSpec().sources.stream()
            .filter(s -> s.pvc != null && !s.fromSnapshot()) // a snapshot's copy is new and free
            .map(s -> s.pvc)
            .toList();
    Set<String> nodes = new TreeSet<>();
    List<Pod> pods =
        VolumeUse.unfinishedPods(
            client, ns, VolumeUse.arcaPods(Labels.POLICY, policy.getMetadata().getName()));
    for (String claim : pvcs) {
      VolumeUse.Where where =
          VolumeUse.of(
                  claim,
                  client.persistentVolumeClaims().inNamespace(ns).withName(claim).get(),
                  pods)
              .where();
      if (where.problem() != null) {
        return new Placement(null, where.problem());
      }
      if (where.node() != null) {
        nodes.add(where.node());
      }
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
}
