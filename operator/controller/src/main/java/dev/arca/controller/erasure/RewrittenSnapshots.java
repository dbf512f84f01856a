package dev.arca.controller.erasure;

import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.api.v1alpha1.SnapshotSpec;
import dev.arca.contract.RewriteReport;
import dev.arca.controller.Sizes;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.Names;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps a policy's Snapshot objects true to its repository after a rewrite: each rewritten snapshot
 * gets an object of its own (the original's, with the new id and the counts less what was removed),
 * and the original's object goes when the rewrite forgot the original, so that restores by {@code
 * latest} or by time choose among what the repository holds.
 */
final class RewrittenSnapshots {
  private RewrittenSnapshots() {}

  /** Applies {@code report} to the Snapshot objects of {@code policy} in {@code ns}. */
  static int apply(KubernetesClient client, String ns, String policy, RewriteReport report) {
    Map<String, RewriteReport.Rewritten> byFrom = new HashMap<>();
    report.snapshots().stream().filter(s -> s.to() != null).forEach(s -> byFrom.put(s.from(), s));
    int changed = 0;
    var snapshots = client.resources(Snapshot.class).inNamespace(ns);
    for (Snapshot old : snapshots.list().getItems()) {
      SnapshotSpec spec = old.getSpec();
      RewriteReport.Rewritten r =
          spec == null || !policy.equals(spec.policy) || spec.catalog != null
              ? null
              : byFrom.get(spec.snapshotId);
      if (r == null) {
        continue;
      }
      String name = Names.of(policy, r.to().substring(0, 12));
      if (snapshots.withName(name).get() == null) {
        snapshots.resource(rewrite(old, name, r)).create();
      }
      if (r.forgotten()) {
        snapshots.resource(old).delete();
      }
      changed++;
    }
    return changed;
  }

  private static Snapshot rewrite(Snapshot old, String name, RewriteReport.Rewritten r) {
    SnapshotSpec from = old.getSpec();
    Snapshot s = new Snapshot();
    s.getMetadata().setName(name);
    s.getMetadata().setNamespace(old.getMetadata().getNamespace());
    s.getMetadata().setLabels(Map.of(Labels.MANAGED_BY, "arca", Labels.POLICY, from.policy));
    SnapshotSpec spec = new SnapshotSpec();
    spec.policy = from.policy;
    spec.policyUid = from.policyUid;
    spec.snapshotId = r.to();
    spec.time = from.time;
    spec.mode = from.mode;
    spec.pvcs = from.pvcs;
    spec.dumps = from.dumps;
    spec.tags = from.tags;
    spec.files = from.files == null ? null : Math.max(0, from.files - r.removedFiles());
    spec.bytes = from.bytes == null ? null : Math.max(0, from.bytes - r.removedBytes());
    spec.size = Sizes.of(spec.bytes);
    spec.storedBytes = from.storedBytes;
    // the repository says which checkpoints a rewrite kept; a checkpoint restore chooses there
    spec.checkpoints = from.checkpoints;
    spec.checkpointCount = from.checkpointCount;
    s.setSpec(spec);
    return s;
  }
}
