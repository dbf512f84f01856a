package dev.arca.controller;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Test helpers around fabric8's CRUD mock API server: install the CRDs from crds/, run reconcilers
 * in a real JOSDK Operator (server-side apply off: the mock lacks it), wait for a condition, and
 * play the kubelet and Job controller when a Job's container ends.
 */
public final class MockCluster {
  private MockCluster() {}

  public static void installCrds(KubernetesClient client) throws IOException {
    try (Stream<Path> crds =
        Files.list(Path.of(System.getProperty("arca.checkout", "../..")).resolve("crds"))) {
      for (Path crd : crds.toList()) {
        client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).create();
      }
    }
  }

  /** A PVC and a Secret (with a value the operator must never read) that policies refer to. */
  public static void pvcAndSecret(KubernetesClient client, String ns, String pvc, String secret) {
    pvc(client, ns, pvc);
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName(secret)
                .withNamespace(ns)
                .endMetadata()
                .addToStringData("password", "not read by the operator")
                .build())
        .create();
  }

  /** A PVC with {@code accessModes} (none: its modes are not known). */
  public static void pvc(KubernetesClient client, String ns, String name, String... accessModes) {
    var pvc =
        new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata();
    if (accessModes.length > 0) {
      pvc.withNewSpec().withAccessModes(accessModes).endSpec();
    }
    client.persistentVolumeClaims().inNamespace(ns).resource(pvc.build()).create();
  }

  /**
   * A pod named {@code name} in {@code phase} that mounts {@code pvc}, on {@code node} (null: not
   * scheduled), with {@code labels}: an application using a volume, as the kubelet reports it.
   */
  public static void podMounting(
      KubernetesClient client,
      String ns,
      String name,
      String pvc,
      String phase,
      String node,
      java.util.Map<String, String> labels) {
    client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewVolume()
                .withName("data")
                .withNewPersistentVolumeClaim(pvc, false)
                .endVolume()
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .endStatus()
                .build())
        .create();
  }

  /**
   * Runs {@code reconcilers} in an Operator with a client of its own (see {@link ApiCalls}) to the
   * same mock server as the test's {@code client}.
   */
  public static Operator start(KubernetesClient client, Reconciler<?>... reconcilers) {
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(ApiCalls.operatorClient(client))
                    .withCloseClientOnStop(true)
                    .withUseSSAToPatchPrimaryResource(false));
    for (Reconciler<?> r : reconcilers) {
      operator.register((Reconciler) r);
    }
    operator.start();
    return operator;
  }

  /**
   * Runs {@code change} (an edit of a resource the operator also writes) again while the API server
   * answers 409: the operator's status write came between the read and the write.
   */
  public static void retryOnConflict(Runnable change) {
    for (int attempt = 1; ; attempt++) {
      try {
        change.run();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * Polls {@code probe} until it returns something other than null or false (20 s at most). A probe
   * that reads a status the operator has not written yet (a NullPointerException) is asked again;
   * if it still fails at the end, the failure is the cause of the timeout.
   */
  public static <T> T await(String what, Supplier<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    NullPointerException notYet = null;
    while (System.nanoTime() < deadline) {
      try {
        T v = probe.get();
        if (v != null && !Boolean.FALSE.equals(v)) {
          return v;
        }
        notYet = null;
      } catch (NullPointerException e) {
        notYet = e; // the object is not filled in yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what, notYet);
  }

  /** The Snapshot object of {@code policy}'s last backup. */
  public static dev.arca.api.v1alpha1.Snapshot lastSnapshot(
      KubernetesClient client, dev.arca.api.v1alpha1.BackupPolicy policy) {
    return client
        .resources(dev.arca.api.v1alpha1.Snapshot.class)
        .inNamespace(policy.getMetadata().getNamespace())
        .withName(policy.getStatus().lastBackup.snapshotName)
        .get();
  }

  /** A running pod of {@code job}, as the kubelet reports one (the Job stays active). */
  public static void runningPod(KubernetesClient client, Job job) {
    pod(client, job, "Running", null);
  }

  /**
   * A pod of {@code job} in {@code phase}; with {@code waiting} (a kubelet reason and message,
   * "Reason: message"), its container waits for that reason.
   */
  public static void pod(KubernetesClient client, Job job, String phase, String waiting) {
    pod(
        client,
        job,
        job.getMetadata().getName() + "-p" + Long.toHexString(System.nanoTime()),
        phase,
        waiting);
  }

  /** As {@link #pod(KubernetesClient, Job, String, String)}, the pod named {@code name}. */
  public static void pod(
      KubernetesClient client, Job job, String name, String phase, String waiting) {
    var status = new ContainerStatusBuilder().withName("arca");
    if (waiting != null) {
      int colon = waiting.indexOf(": ");
      status
          .withNewState()
          .withNewWaiting()
          .withReason(colon < 0 ? waiting : waiting.substring(0, colon))
          .withMessage(colon < 0 ? null : waiting.substring(colon + 2))
          .endWaiting()
          .endState();
    } else {
      status.withNewState().withNewRunning().endRunning().endState();
    }
    create(client, job, name, phase, status);
  }

  /**
   * A running pod {@code name} of {@code job} whose container started at {@code startedAt}, and
   * whose log (where the operator reads progress) is {@code log}.
   */
  public static void runningPod(
      KubernetesClient client,
      KubernetesMockServer server,
      Job job,
      String name,
      Instant startedAt,
      String log) {
    var status =
        new ContainerStatusBuilder()
            .withName("arca")
            .withNewState()
            .withNewRunning()
            .withStartedAt(startedAt.toString())
            .endRunning()
            .endState();
    create(client, job, name, "Running", status);
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/"
                + job.getMetadata().getNamespace()
                + "/pods/"
                + name
                + "/log?pretty=false&tailLines=40&limitBytes=1048576")
        .andReturn(200, log)
        .always();
  }

  /**
   * A pod {@code name} of {@code job}, mounting the PVCs {@code claims}, that the scheduler cannot
   * place: {@code why} (its message).
   */
  public static Pod unscheduledPod(
      KubernetesClient client, Job job, String name, String why, String... claims) {
    String ns = job.getMetadata().getNamespace();
    var spec = ofJob(job, name).withNewSpec();
    for (String c : claims) {
      spec.addNewVolume().withName(c).withNewPersistentVolumeClaim(c, true).endVolume();
    }
    return client
        .pods()
        .inNamespace(ns)
        .resource(
            spec.endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage(why)
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  private static void create(
      KubernetesClient client, Job job, String name, String phase, ContainerStatusBuilder status) {
    String ns = job.getMetadata().getNamespace();
    client
        .pods()
        .inNamespace(ns)
        .resource(
            ofJob(job, name)
                .withNewStatus()
                .withPhase(phase)
                .withContainerStatuses(status.build())
                .endStatus()
                .build())
        .create();
  }

  /** A pod {@code name} as the Job controller makes it for {@code job}: its metadata. */
  private static PodBuilder ofJob(Job job, String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(job.getMetadata().getNamespace())
        .addToLabels("job-name", job.getMetadata().getName())
        .endMetadata();
  }

  /** Ends {@code job}: a pod with the arca container's termination message, then Job status. */
  public static void finish(
      KubernetesClient client, Job job, boolean ok, String terminationMessage) {
    finish(client, job, ok, terminationMessage, "BackoffLimitExceeded");
  }

  /** Ends {@code job}; a failure carries the Job controller's {@code reason}. */
  public static void finish(
      KubernetesClient client, Job job, boolean ok, String terminationMessage, String reason) {
    String ns = job.getMetadata().getNamespace();
    client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(job.getMetadata().getName() + "-x1")
                .withNamespace(ns)
                .addToLabels("job-name", job.getMetadata().getName())
                .endMetadata()
                .withNewStatus()
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName("arca")
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(ok ? 0 : 1)
                        .withMessage(terminationMessage)
                        .endTerminated()
                        .endState()
                        .build())
                .endStatus()
                .build())
        .create();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withName(job.getMetadata().getName())
        .editStatus(
            j ->
                new JobBuilder(j)
                    .withNewStatus()
                    .withStartTime("2026-11-26T02:30:01Z")
                    .withCompletionTime(ok ? "2026-11-26T02:31:00Z" : null)
                    .withSucceeded(ok ? 1 : 0)
                    .withFailed(ok ? 0 : 1)
                    .withConditions(
                        new JobConditionBuilder()
                            .withType(ok ? "Complete" : "Failed")
                            .withStatus("True")
                            .withReason(ok ? null : reason)
                            .withMessage(ok ? null : "Job has reached the specified backoff limit")
                            .build())
                    .endStatus()
                    .build());
  }
}
