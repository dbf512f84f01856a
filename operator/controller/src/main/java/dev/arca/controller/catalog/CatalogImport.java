package dev.arca.controller.catalog;

import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.api.v1alpha1.SnapshotCatalog;
import dev.arca.api.v1alpha1.SnapshotSpec;
import dev.arca.contract.Checkpoint;
import dev.arca.contract.SnapshotsReport;
import dev.arca.controller.Sizes;
import dev.arca.controller.jobs.Labels;
import dev.arca.controller.jobs.Names;
import dev.arca.controller.jobs.Owners;
import dev.arca.controller.jobs.SnapshotOwner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a catalog's Snapshot objects match an import's report: one object per listed snapshot
 * (created once: Snapshot objects are read-only), and the objects of snapshots no longer listed
 * (forgotten in the repository) deleted. Each object is owned by the catalog, so deleting the
 * catalog removes them; none of this touches backup data.
 */
final class CatalogImport {
  /**
   * What an import changed.
   *
   * @param notListed snapshots of the report that got no object, each "id: why" (a name taken by
   *     another object, an object the API server refuses)
   */
  record Result(int snapshots, int created, int deleted, List<String> notListed) {}

  private final KubernetesClient client;

  CatalogImport(KubernetesClient client) {
    this.client = client;
  }

  Result apply(SnapshotCatalog c, SnapshotsReport report) {
    String ns = c.getMetadata().getNamespace();
    String name = c.getMetadata().getName();
    List<Snapshot> existing =
        client
            .resources(Snapshot.class)
            .inNamespace(ns)
            .withLabel(Labels.CATALOG, name)
            .list()
            .getItems();
    Set<String> have = new HashSet<>();
    existing.forEach(s -> have.add(s.getSpec().snapshotId));
    Set<String> listed = new HashSet<>();
    List<String> notListed = new ArrayList<>();
    int created = 0;
    for (SnapshotsReport.Entry e : report.snapshots()) {
      listed.add(e.id());
      if (!have.contains(e.id())) {
        String refused = create(c, e);
        if (refused == null) {
          created++;
        } else {
          notListed.add(e.id() + ": " + refused);
        }
      }
    }
    int deleted = 0;
    for (Snapshot s : existing) {
      if (!listed.contains(s.getSpec().snapshotId)) {
        client.resources(Snapshot.class).inNamespace(ns).resource(s).delete();
        deleted++;
      }
    }
    return new Result(report.snapshots().size(), created, deleted, notListed);
  }

  /**
   * Creates the object of one listed snapshot; null when it was created, else why not (an object of
   * its name exists, or the API server refuses it: a crafted repository's tags, say). Other
   * failures are thrown: the import is recorded again by the next reconcile.
   */
  private String create(SnapshotCatalog c, SnapshotsReport.Entry e) {
    Snapshot s = new Snapshot();
    s.getMetadata().setName(Names.of(c.getMetadata().getName(), e.id().substring(0, 12)));
    s.getMetadata().setNamespace(c.getMetadata().getNamespace());
    s.getMetadata().setLabels(labels(c, e));
    s.getMetadata().setOwnerReferences(List.of(Owners.controller(c)));
    s.setSpec(spec(c, e));
    try {
      client
          .resources(Snapshot.class)
          .inNamespace(c.getMetadata().getNamespace())
          .resource(s)
          .create();
      return null;
    } catch (KubernetesClientException ex) {
      if (ex.getCode() == 409) {
        return "a Snapshot object named " + s.getMetadata().getName() + " exists already";
      }
      if (ex.getCode() == 400 || ex.getCode() == 413 || ex.getCode() == 422) {
        return "the API server refused its Snapshot object: " + ex.getMessage();
      }
      throw ex;
    }
  }

  private static Map<String, String> labels(SnapshotCatalog c, SnapshotsReport.Entry e) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put(Labels.MANAGED_BY, "arca");
    m.put(Labels.CATALOG, c.getMetadata().getName());
    String policy = policy(e);
    if (policy != null && policy.matches("[a-z0-9]([-.a-z0-9]{0,61}[a-z0-9])?")) {
      m.put(Labels.POLICY, policy);
    }
    return m;
  }

  static SnapshotSpec spec(SnapshotCatalog c, SnapshotsReport.Entry e) {
    SnapshotSpec spec = new SnapshotSpec();
    spec.policy = policy(e) == null ? "" : policy(e);
    spec.policyUid = e.tags() == null ? null : e.tags().get(SnapshotOwner.POLICY_UID);
    spec.snapshotId = e.id();
    spec.time = e.time();
    spec.mode = e.mode();
    spec.pvcs = pvcs(e.paths());
    spec.tags = e.tags();
    spec.files = e.files();
    spec.bytes = e.bytes();
    spec.size = Sizes.of(e.bytes());
    List<Checkpoint> ck = e.checkpoints() == null ? List.of() : e.checkpoints();
    if (!ck.isEmpty()) {
      List<SnapshotSpec.CheckpointRef> refs = new ArrayList<>();
      for (Checkpoint k : ck.subList(0, Math.min(ck.size(), SnapshotSpec.CHECKPOINTS_LISTED))) {
        refs.add(new SnapshotSpec.CheckpointRef(k.path(), k.step()));
      }
      spec.checkpoints = refs;
      spec.checkpointCount = (long) ck.size();
    }
    spec.catalog = c.getMetadata().getName();
    return spec;
  }

  /** The policy that wrote a snapshot: its owner tag, else its host's name part. */
  private static String policy(SnapshotsReport.Entry e) {
    String tag = e.tags() == null ? null : e.tags().get(SnapshotOwner.POLICY);
    if (tag != null) {
      return tag;
    }
    String host = e.host();
    return host != null && host.contains("/") ? host.substring(host.indexOf('/') + 1) : null;
  }

  /** The volumes of an operator's snapshot: its paths are {@code /data/<pvc>}. */
  static List<String> pvcs(List<String> paths) {
    List<String> out = new ArrayList<>();
    if (paths != null) {
      for (String p : paths) {
        if (p.startsWith("/data/") && p.indexOf('/', 6) < 0 && p.length() > 6) {
          out.add(p.substring(6));
        }
      }
    }
    return out.isEmpty() ? null : out;
  }
}
