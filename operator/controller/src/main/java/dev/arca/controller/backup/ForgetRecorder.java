package dev.arca.controller.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.controller.Events;
import dev.arca.controller.JobOutcome;
import dev.arca.controller.metrics.ArcaMetrics;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** Turns a finished forget Job into removed Snapshot objects and an Event. */
final class ForgetRecorder {
  private final KubernetesClient client;
  private final Events events;
  private final ArcaMetrics metrics;

  ForgetRecorder(KubernetesClient client, Events events, ArcaMetrics metrics) {
    this.client = client;
    this.events = events;
    this.metrics = metrics;
  }

  void record(BackupPolicy p, Job job, JobOutcome o, Instant now) {
    String ns = p.getMetadata().getNamespace();
    String policy = p.getMetadata().getName();
    metrics.run(ns, policy, "forget", o.succeeded(), BackupRecorder.duration(job, now));
    if (!o.succeeded()) {
      events.warning(
          p,
          "RetentionFailed",
          "forget Job " + job.getMetadata().getName() + " failed: " + o.message(),
          now);
      return;
    }
    Set<String> removed = new HashSet<>();
    JsonNode list = o.summary() == null ? null : o.summary().get("removed");
    if (list != null) {
      list.forEach(r -> removed.add(r.path("id").asText()));
    }
    int deleted = 0;
    for (Snapshot s : client.resources(Snapshot.class).inNamespace(ns).list().getItems()) {
      if (s.getSpec() != null
          && policy.equals(s.getSpec().policy)
          && removed.contains(s.getSpec().snapshotId)) {
        client.resources(Snapshot.class).inNamespace(ns).resource(s).delete();
        deleted++;
      }
    }
    events.normal(
        p,
        "RetentionApplied",
        "forgot "
            + removed.size()
            + " snapshots ("
            + deleted
            + " Snapshot objects removed); prune frees their data",
        now);
  }
}
