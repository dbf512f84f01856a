package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventListBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What a Job's pod that cannot start says, on the mock API server: the claims the scheduler waits
 * for, named with their StorageClass and their newest Warning, and where the Jobs' image is set.
 */
@EnableKubernetesMockClient(crud = true)
class JobPodTest {
  static final String NS = "llm";
  static final String UNBOUND =
      "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1"
          + " nodes are available: 1 Preemption is not helpful for scheduling.";
  KubernetesClient client;
  KubernetesMockServer server;

  private final Job job =
      new JobBuilder().withNewMetadata().withName("b-1").withNamespace(NS).endMetadata().build();

  private void claim(String name, String storageClass, String phase) {
    client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withStorageClassName(storageClass)
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .endStatus()
                .build())
        .create();
  }

  /**
   * The Events the API server lists about {@code name} (the mock server does not filter Events by
   * involvedObject.name itself).
   */
  private void events(String name, Event... events) {
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/" + NS + "/events?fieldSelector=involvedObject.name%3D" + name)
        .andReturn(200, new EventListBuilder().withItems(events).build())
        .always();
  }

  private static Event warning(
      String kind, String name, String reason, String message, String time) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name + "." + Long.toHexString(System.nanoTime()))
        .endMetadata()
        .withNewInvolvedObject()
        .withKind(kind)
        .withName(name)
        .withNamespace(NS)
        .endInvolvedObject()
        .withType("Warning")
        .withReason(reason)
        .withMessage(message)
        .withLastTimestamp(time)
        .build();
  }

  private Pod unscheduled(String why, String... claims) {
    return MockCluster.unscheduledPod(client, job, "b-1-x", why, claims);
  }

  private static Instant created(Pod p) {
    return Instant.parse(p.getMetadata().getCreationTimestamp());
  }

  @Test
  void aClaimThatNeverBindsIsNamedWithItsStorageClassAndItsLastWarning() {
    claim("models", "no-such-class", "Pending");
    claim("cache", "standard", "Bound");
    events(
        "models",
        warning("PersistentVolumeClaim", "models", "Old", "older", "2026-12-06T01:00:01Z"),
        warning(
            "PersistentVolumeClaim",
            "models",
            "ProvisioningFailed",
            "storageclass.storage.k8s.io \"no-such-class\" not found",
            "2026-12-06T01:00:05Z"),
        warning("Pod", "models", "SameName", "a pod's, not the claim's", "2026-12-06T01:00:09Z"));
    Pod pod = unscheduled(UNBOUND, "models", "cache");
    events("b-1-x", warning("Pod", "b-1-x", "FailedScheduling", UNBOUND, "2026-12-06T01:00:06Z"));

    String claim =
        "PVC models is not bound (phase Pending, StorageClass no-such-class; last event:"
            + " ProvisioningFailed: storageclass.storage.k8s.io \"no-such-class\" not found)";
    JobPod seen = JobPod.of(client, job);
    assertThat(seen.waiting())
        .isEqualTo("not scheduled (Unschedulable: " + UNBOUND + "); " + claim)
        .doesNotContain("cache");
    Duration timeout = Duration.ofSeconds(20);
    assertThat(seen.cannotStart(client, created(pod).plusSeconds(19), timeout)).isNull();
    assertThat(seen.cannotStart(client, created(pod).plusSeconds(20), timeout))
        .isEqualTo("pod b-1-x did not start within 20 s: " + seen.waiting()); // no event again
  }

  @Test
  void claimsAreNamedOnlyWhenTheSchedulerWaitsForThem() {
    claim("models", "wait-for-first-consumer", "Pending");
    unscheduled(
        "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.", "models");
    assertThat(JobPod.of(client, job).waiting()).doesNotContain("PVC");
  }

  @Test
  void anImageThatCannotBePulledFailsAfterTheGraceAndSaysWhereTheJobsImageIsSet() {
    MockCluster.pod(
        client,
        job,
        "b-1-y",
        "Pending",
        "ImagePullBackOff: Back-off pulling image \"arca:no-such-tag\"");
    events( // the kubelet's error says why: a newer warning about the pod is not added
        "b-1-y",
        warning("Pod", "b-1-y", "MissingClusterDNS", "no ClusterDNS", "2026-12-06T01:00:09Z"));
    JobPod seen = JobPod.of(client, job);
    Instant created = created(seen.pod());
    Duration timeout = Duration.ofSeconds(600);
    assertThat(seen.cannotStart(client, created.plusSeconds(29), timeout)).isNull();
    assertThat(seen.cannotStart(client, created.plusSeconds(30), timeout))
        .contains(
            "cannot start: ImagePullBackOff: Back-off pulling image \"arca:no-such-tag\"",
            "the chart's jobs.image.repository and jobs.image.tag",
            "imagePullSecrets")
        .doesNotContain("last event", "ClusterDNS");
  }

  @Test
  void aPodThatDoesNotStartInTimeAddsItsNewestWarning() {
    MockCluster.pod(client, job, "b-1-z", "Pending", "ContainerCreating");
    events(
        "b-1-z",
        warning("Pod", "b-1-z", "FailedMount", "secret \"tls\" not found", "2026-12-06T01:00:09Z"));
    JobPod seen = JobPod.of(client, job);
    assertThat(
            seen.cannotStart(client, created(seen.pod()).plusSeconds(60), Duration.ofSeconds(60)))
        .isEqualTo(
            "pod b-1-z did not start within 60 s: ContainerCreating; last event: FailedMount:"
                + " secret \"tls\" not found");
  }
}
