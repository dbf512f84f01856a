package dev.arca.controller.jobs;

import dev.arca.controller.RunKind;
import java.util.LinkedHashMap;
import java.util.Map;

/** The labels and annotations Arca puts on what it creates. */
public final class Labels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String POLICY = "arca.dev/policy";
  public static final String RESTORE = "arca.dev/restore";

  /** Label of a RestoreRequest made for one of another's spec.targets: that request's name. */
  public static final String PARENT = "arca.dev/parent";

  public static final String RUN = "arca.dev/run";

  /** On a SnapshotCatalog's import Jobs and the Snapshot objects it imported: its name. */
  public static final String CATALOG = "arca.dev/catalog";

  /** On an ErasureRequest's Jobs: the request's name. */
  public static final String ERASURE = "arca.dev/erasure";

  /** On an ErasureRequest's Jobs: the policy whose snapshots and repository they work on. */
  public static final String ERASURE_POLICY = "arca.dev/erasure-policy";

  /** On the Jobs of a copyTo target (copy, and the target's forget and prune): its name. */
  public static final String COPY_TARGET = "arca.dev/copy-target";

  /** The value of {@link #RUN} on the Jobs of a backup run's parts. */
  public static final String PART_RUN = "backup-part";

  /** The part number of a part's Job. */
  public static final String PART = "arca.dev/part";

  public static final String SCHEDULED_TIME = "arca.dev/scheduled-time";
  public static final String MODE = "arca.dev/mode";

  /** Annotation of a hook Job: before or after. */
  public static final String HOOK_PHASE = "arca.dev/hook-phase";

  /** Annotation of a backup Job: the VolumeSnapshots it reads (copyMethod Snapshot), as JSON. */
  public static final String VOLUME_SNAPSHOTS = "arca.dev/volume-snapshots";

  private Labels() {}

  /** Labels of a Job of {@code kind} for a policy. */
  public static Map<String, String> forPolicy(String policy, RunKind kind) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(MANAGED_BY, "arca");
    m.put(POLICY, policy);
    m.put(RUN, kind.label());
    return m;
  }
}
