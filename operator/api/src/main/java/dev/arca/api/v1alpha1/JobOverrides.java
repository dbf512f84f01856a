package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Settings of the Jobs Arca runs for a resource; unset ones come from the operator's defaults. */
public class JobOverrides {
  /**
   * CPU and memory requests and limits of the arca container. The engine's Java heap is 60% of the
   * memory limit: a repository of millions of chunks needs a larger limit.
   */
  @JsonPropertyDescription(
      "CPU and memory requests and limits of the arca container. The engine's Java heap is 60% of"
          + " the memory limit: a repository of millions of chunks needs a larger limit.")
  public ResourceRequirements resources;

  /** Node labels the Job's pod must match. */
  @JsonPropertyDescription("Node labels the Job's pod must match.")
  public Map<String, String> nodeSelector;

  /** Tolerations of the Job's pod. */
  @JsonPropertyDescription("Tolerations of the Job's pod.")
  public List<Toleration> tolerations;

  /** Affinity of the Job's pod. */
  @JsonPropertyDescription("Affinity of the Job's pod.")
  public Affinity affinity;

  /** Priority class of the Job's pod. */
  @JsonPropertyDescription("Priority class of the Job's pod.")
  public String priorityClassName;

  /**
   * Service account the Job runs as (for pod identity to S3); it needs no Kubernetes API rights.
   */
  @JsonPropertyDescription(
      "Service account the Job runs as (for pod identity to S3); it needs no Kubernetes API rights.")
  public String serviceAccountName;

  /**
   * Pod security context, merged field by field into the one the Arca installation sets for its
   * Jobs (fields left out keep its values), and only where it tightens it: for example runAsNonRoot
   * true, or a user and groups other than 0 (if the installation lets resources choose them, its
   * chart's jobs.tenantOverrides.userAndGroups). A field that would loosen it (root where the Jobs
   * run as non-root, another or no seccomp profile, sysctls, SELinux options) makes the resource
   * fail with a message naming the field.
   */
  @JsonPropertyDescription(
      "Pod security context, merged field by field into the one the Arca installation sets for its"
          + " Jobs (fields left out keep its values), and only where it tightens it: for example"
          + " runAsNonRoot true, or a user and groups other than 0 (if the installation lets"
          + " resources choose them, its chart's jobs.tenantOverrides.userAndGroups). A field that"
          + " would loosen it (root where the Jobs run as non-root, another or no seccomp profile,"
          + " sysctls, SELinux options) makes the resource fail with a message naming the field.")
  public PodSecurityContext podSecurityContext;

  /** Seconds after which a running Job is stopped and reported as failed. */
  @JsonPropertyDescription("Seconds after which a running Job is stopped and reported as failed.")
  public Long activeDeadlineSeconds;

  /**
   * Seconds the Job's pod may take to start (be scheduled, mount its volumes, pull its image)
   * before the run fails and the Job is deleted (default 600). A container that cannot be created
   * (a missing Secret or Secret key, an image that cannot be pulled) fails the run after 30
   * seconds.
   */
  @JsonPropertyDescription(
      "Seconds the Job's pod may take to start (be scheduled, mount its volumes, pull its image)"
          + " before the run fails and the Job is deleted (default 600). A container that cannot"
          + " be created (a missing Secret or Secret key, an image that cannot be pulled) fails"
          + " the run after 30 seconds.")
  @Min(1)
  public Long startTimeoutSeconds;

  /**
   * Seconds a running backup or restore may go without progress (no more bytes or files done;
   * before its first progress report, since its container started) before the run fails with reason
   * ProgressStalled and its Job is deleted (default 1800). A hung network file system or object
   * store then ends in a clear condition rather than a run that shows as active for ever;
   * activeDeadlineSeconds still bounds the whole run.
   */
  @JsonPropertyDescription(
      "Seconds a running backup or restore may go without progress (no more bytes or files done;"
          + " before its first progress report, since its container started) before the run fails"
          + " with reason ProgressStalled and its Job is deleted (default 1800). A hung network"
          + " file system or object store then ends in a clear condition"
          + " rather than a run that shows as active for ever; activeDeadlineSeconds still"
          + " bounds the whole run.")
  @Min(60)
  public Long stallTimeoutSeconds;

  /** Retries of a failed pod before the Job fails (default 0: the next scheduled run retries). */
  @JsonPropertyDescription(
      "Retries of a failed pod before the Job fails (default 0: the next scheduled run retries).")
  public Integer backoffLimit;
}
