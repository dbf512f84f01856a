package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.api.v1alpha1.RepositorySpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.Map;

/**
 * A Job owned by the resource it runs for: its labels on the Job and its pod (with the repository's
 * pod labels), no retry unless asked (a failed arca command is reported, not repeated), and the
 * resource's deadline.
 */
final class OwnedJobs {
  private OwnedJobs() {}

  static Job build(
      HasMetadata owner,
      String name,
      Map<String, String> labels,
      JobOverrides o,
      RepositorySpec repo,
      PodSpec pod) {
    return build(owner, name, labels, o, repo, pod, 0);
  }

  /**
   * As {@link #build(HasMetadata, String, Map, JobOverrides, RepositorySpec, PodSpec)}, retried.
   */
  static Job build(
      HasMetadata owner,
      String name,
      Map<String, String> labels,
      JobOverrides o,
      RepositorySpec repo,
      PodSpec pod,
      int backoffLimit) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(Owners.controller(owner))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(backoffLimit)
        .withActiveDeadlineSeconds(o == null ? null : o.activeDeadlineSeconds)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .addToLabels(RepositoryAccess.podLabels(repo))
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }
}
