package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.SnapshotCatalog;
import dev.arca.api.v1alpha1.SnapshotCatalogSpec;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.RunKind;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a SnapshotCatalog's import Job: {@code arca snapshots --json} of the owner's snapshots.
 */
public final class CatalogJobs {
  private CatalogJobs() {}

  /**
   * Whose snapshots the catalog imports: its {@code from} (a namespace, and maybe one policy), else
   * every policy of its own namespace.
   */
  public static SnapshotOwner owner(SnapshotCatalog c) {
    SnapshotCatalogSpec.Owner from = c.getSpec().from;
    if (from == null) {
      return SnapshotOwner.anyPolicyOf(c.getMetadata().getNamespace());
    }
    return from.policy == null
        ? SnapshotOwner.anyPolicyOf(from.namespace)
        : new SnapshotOwner(from.namespace, from.policy, null);
  }

  /**
   * The import Job, named after {@code trigger} (the spec's generation, a run-now value or a
   * scheduled time), so that each trigger gets its own and a repeated reconcile finds the same one.
   */
  public static Job importJob(SnapshotCatalog c, String trigger, OperatorConfig cfg) {
    SnapshotCatalogSpec spec = c.getSpec();
    String name = c.getMetadata().getName();
    List<String> cmd = new ArrayList<>(List.of("arca", "snapshots", "--json"));
    cmd.addAll(owner(c).selectArgs());
    cmd.addAll(RepositoryAccess.args(spec.repository));
    var container =
        BackupJobs.container(
            cfg, spec.job, cmd, RepositoryAccess.mounts(spec.repository), spec.repository);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.MANAGED_BY, "arca");
    labels.put(Labels.CATALOG, name);
    labels.put(Labels.RUN, RunKind.IMPORT.label());
    return OwnedJobs.build(
        c,
        Names.of(name, "import-" + Names.sha256(trigger).substring(0, 10)),
        labels,
        spec.job,
        spec.repository,
        BackupJobs.pod(cfg, spec.job, container, RepositoryAccess.volumes(spec.repository)));
  }
}
