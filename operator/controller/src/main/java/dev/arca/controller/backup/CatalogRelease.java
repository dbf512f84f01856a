package dev.arca.controller.backup;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.controller.jobs.Labels;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Frees the Snapshot objects that Arca 0.1 made with the policy as their owner, so that they
 * outlive it like the ones made now: once per policy and operator process, the owner references
 * that point at the policy are removed.
 */
final class CatalogRelease {
  private final Set<String> released = ConcurrentHashMap.newKeySet();

  void release(KubernetesClient client, BackupPolicy p) {
    String uid = p.getMetadata().getUid();
    if (uid == null || released.contains(uid)) {
      return;
    }
    try {
      var snapshots = client.resources(Snapshot.class).inNamespace(p.getMetadata().getNamespace());
      for (Snapshot s :
          snapshots.withLabel(Labels.POLICY, p.getMetadata().getName()).list().getItems()) {
        var owners = s.getMetadata().getOwnerReferences();
        if (owners != null && owners.stream().anyMatch(o -> uid.equals(o.getUid()))) {
          snapshots
              .withName(s.getMetadata().getName())
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE),
                  "{\"metadata\":{\"ownerReferences\":null}}");
        }
      }
      released.add(uid);
    } catch (KubernetesClientException e) {
      // tried again on the next reconcile
    }
  }
}
