package dev.arca.controller.jobs;

import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.api.v1alpha1.RepositorySpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.Map;

/**
 * A one-shot Job owned by the resource it runs for: its labels on the Job and its pod (with the
 * repository's pod labels), no retry (a failed arca command is reported, not repeated), and the
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
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(Owners.controller(owner))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
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
