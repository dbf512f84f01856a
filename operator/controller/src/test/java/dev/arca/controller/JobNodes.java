package dev.arca.controller;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;

/**
 * The node a Job is pinned to, as {@code jobs.BackupJobs} pins a Job that reads or writes a
 * ReadWriteOnce volume in use: a {@code metadata.name} match field in each required node selector
 * term. Shared with the end-to-end tier through this module's test jar.
 */
public final class JobNodes {
  private JobNodes() {}

  /** The node names {@code job}'s pod is required to run on, or none. */
  public static List<String> pinnedTo(Job job) {
    var affinity = job.getSpec().getTemplate().getSpec().getAffinity();
    if (affinity == null
        || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return List.of();
    }
    return affinity
        .getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .stream()
        .flatMap(t -> t.getMatchFields().stream())
        .filter(f -> f.getKey().equals("metadata.name"))
        .flatMap(f -> f.getValues().stream())
        .toList();
  }
}
