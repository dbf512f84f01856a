package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.BackupPolicySpec;
import java.util.List;

/**
 * One part of a backup run in parts, as its Job is built ({@link BackupJobs#part}).
 *
 * @param index its number
 * @param count how many parts the run has
 * @param runId the run's id in the repository
 * @param node the node it must run on, or null
 * @param pvcs the PVCs it mounts
 * @param dumps whether it runs the dump sources (and so gets the exec account)
 * @param split whether the parts split one file set (each is given every source)
 */
public record PartJob(
    int index,
    int count,
    String runId,
    String node,
    List<String> pvcs,
    boolean dumps,
    boolean split) {
  public PartJob {
    pvcs = List.copyOf(pvcs);
  }

  /** Whether its command names {@code s}: every source when split, else its own. */
  boolean mounts(BackupPolicySpec.Source s) {
    if (s.dump != null) {
      return split || dumps;
    }
    return pvcs.contains(s.pvc);
  }
}
