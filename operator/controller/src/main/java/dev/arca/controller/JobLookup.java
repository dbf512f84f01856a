package dev.arca.controller;

import dev.arca.api.v1alpha1.JobOverrides;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;

/** Finding a resource's Job and its pods, and how long its pods may take to start. */
public final class JobLookup {
  private JobLookup() {}

  /**
   * The Job {@code name} from the informer's {@code cached} Jobs, or from the API server (the
   * informer may not have seen a Job created a moment ago); null when there is none.
   */
  public static Job find(List<Job> cached, KubernetesClient client, String ns, String name) {
    return cached.stream()
        .filter(j -> name.equals(j.getMetadata().getName()))
        .findFirst()
        .orElseGet(() -> client.batch().v1().jobs().inNamespace(ns).withName(name).get());
  }

  /** The pods of {@code job} (the Job controller labels them with its name). */
  static List<Pod> pods(KubernetesClient client, Job job) {
    return client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .withLabel("job-name", job.getMetadata().getName())
        .list()
        .getItems();
  }

  /** How long the pods of a resource's Jobs may take to start ({@code startTimeoutSeconds}). */
  public static Duration startTimeout(JobOverrides o) {
    return o == null || o.startTimeoutSeconds == null
        ? JobPod.DEFAULT_START_TIMEOUT
        : Duration.ofSeconds(o.startTimeoutSeconds);
  }
}
