package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.ErasureRequest;
import dev.arca.api.v1alpha1.ErasureRequestSpec;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.RunKind;
import dev.arca.engine.backup.PathCommand;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ErasureRequest's Jobs on its policy's repository: {@code arca rewrite} of the policy's
 * snapshots (every incarnation of the policy: host and policy tag), then {@code arca prune --grace
 * 0}. Both carry the request's and the policy's names as labels, by which the policy holds back its
 * own maintenance while they run ({@link #running}).
 */
public final class ErasureJobs {
  private ErasureJobs() {}

  /** The rewrite Job. */
  public static Job rewrite(ErasureRequest r, BackupPolicy p, OperatorConfig cfg) {
    ErasureRequestSpec spec = r.getSpec();
    List<String> cmd = new ArrayList<>(List.of("arca", "rewrite", "--json"));
    cmd.addAll(SnapshotOwner.of(p).anyIncarnation().selectArgs());
    if (spec.exclude != null) {
      spec.exclude.forEach(g -> cmd.addAll(List.of("--exclude", g)));
    }
    if (spec.filters != null) {
      spec.filters.forEach(
          f -> cmd.addAll(List.of("--stream-filter", PathCommand.format(f.path, f.command))));
    }
    if (Boolean.TRUE.equals(spec.keepOriginals)) {
      cmd.add("--keep-originals");
    }
    return job(r, p, RunKind.REWRITE, cmd, cfg);
  }

  /** The prune Job that removes what only the erased data needed and reports it gone. */
  public static Job prune(ErasureRequest r, BackupPolicy p, OperatorConfig cfg) {
    return job(
        r,
        p,
        RunKind.PRUNE,
        new ArrayList<>(List.of("arca", "prune", "--json", "--grace", "0")),
        cfg);
  }

  /** Whether a Job of an ErasureRequest on the policy {@code policy} is running in {@code ns}. */
  public static boolean running(KubernetesClient client, String ns, String policy) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withLabel(Labels.ERASURE_POLICY, policy)
        .list()
        .getItems()
        .stream()
        .anyMatch(ErasureJobs::unfinished);
  }

  private static boolean unfinished(Job j) {
    var s = j.getStatus();
    return s == null
        || (s.getCompletionTime() == null && (s.getFailed() == null || s.getFailed() == 0));
  }

  private static Job job(
      ErasureRequest r, BackupPolicy p, RunKind kind, List<String> cmd, OperatorConfig cfg) {
    RepositorySpec repo = p.getSpec().repository;
    cmd.addAll(RepositoryAccess.args(repo));
    ErasureRequestSpec spec = r.getSpec();
    var c = BackupJobs.container(cfg, spec.job, cmd, RepositoryAccess.mounts(repo), repo);
    PodSpec pod = BackupJobs.pod(cfg, spec.job, c, RepositoryAccess.volumes(repo));
    Requesters.set(pod, r);
    String name = r.getMetadata().getName();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.MANAGED_BY, "arca");
    labels.put(Labels.ERASURE, name);
    labels.put(Labels.ERASURE_POLICY, p.getMetadata().getName());
    labels.put(Labels.RUN, kind.label());
    return OwnedJobs.build(r, Names.of(name, "erase-" + kind.label()), labels, spec.job, repo, pod);
  }
}
