package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.it.FlakyProxy;
import dev.arca.it.S3Servers;
import dev.arca.samples.LlmTrees;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Operational faults that only a real node shows, each ending in a clear condition and Event within
 * a bounded time instead of a silent hang (issue 21, deliverable 4; the unschedulable Job is in
 * {@link RealNodeBackupRestoreTest}, the image that cannot be pulled in {@link
 * RealNodeImagePullTest}): a PVC that never binds, a container the kernel kills for its memory
 * limit, and a backup whose object store stops answering (MinIO behind a {@link FlakyProxy} that
 * stalls). They run at once, each its own BackupPolicy and repository in one namespace, so the test
 * lasts about as long as the slowest: the stall, whose timeout is at least 60 s.
 */
class RealNodeFaultsTest {
  private static final String NS = "faults";

  /** The unbound fault's startTimeoutSeconds. */
  private static final long START_TIMEOUT = 20;

  /** The stalled fault's stallTimeoutSeconds: the smallest the CRD accepts. */
  private static final long STALL_TIMEOUT = 60;

  private final Fault unbound =
      new Fault(
          "unbound",
          "PodCannotStart",
          Duration.ofSeconds(START_TIMEOUT).plus(Fault.RECONCILE).plusSeconds(20),
          "did not start within " + START_TIMEOUT + " s",
          "unbound immediate PersistentVolumeClaims",
          "PVC never-binds is not bound (phase Pending, StorageClass no-such-class; last event:"
              + " ProvisioningFailed: storageclass.storage.k8s.io \"no-such-class\" not found)");

  /**
   * A memory limit of 64 MiB: far below what the JVM needs (its heap is given at least 192 MiB), so
   * the kernel's OOM killer ends the container before Java could report an OutOfMemoryError.
   */
  private final Fault oom =
      new Fault(
          "oom",
          "OOMKilled",
          Fault.RECONCILE.plusSeconds(
              30), // + pod start, the JVM growing to the limit, the Job's end
          "was killed for exceeding its memory limit (OOMKilled, limit 64Mi)",
          "raise spec.job.resources.limits.memory");

  private final Fault stall =
      new Fault(
          "stalled",
          "ProgressStalled",
          // from the stall: + the last line's age (5 s) and what the pipeline's buffers take
          Duration.ofSeconds(STALL_TIMEOUT).plus(Fault.RECONCILE).plusSeconds(25),
          "stallTimeoutSeconds is " + STALL_TIMEOUT,
          "the source or the repository stopped answering");
  private final List<Fault> faults = List.of(unbound, oom, stall);
  private final Map<String, Pod> jobPods = new LinkedHashMap<>();
  private boolean stalled;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void eachFaultEndsInItsConditionAndEventWithinItsBound() throws Exception {
    Steps steps = Fault.namespace(NS);
    RealNodeCluster node = Cluster.node();
    // delays of up to a second on a tenth of the 64 KiB pieces: a slow store the backup outlasts
    try (FlakyProxy proxy = new FlakyProxy(S3Servers.minio(), 0, 1000, 21)) {
      try {
        sources(steps);
        URI slow = URI.create("http://" + node.podAddress(proxy.uri().getPort()));
        unbound.apply(
            steps,
            "never-binds",
            Fault.job("256Mi", "1Gi", "startTimeoutSeconds: " + START_TIMEOUT),
            steps.s3);
        oom.apply(steps, "oom-src", Fault.job("64Mi", "64Mi", ""), steps.s3);
        stall.apply(
            steps,
            "stall-src",
            Fault.job("256Mi", "1Gi", "stallTimeoutSeconds: " + STALL_TIMEOUT),
            slow);
        steps.await(
            "the faults of " + faults.stream().map(f -> f.policy).toList(),
            () -> {
              observe(steps, proxy);
              return faults.stream().allMatch(f -> f.failure != null);
            },
            done -> done);
      } finally {
        proxy.unstall();
        System.out.println("faults measured: " + faults);
      }
    }
    for (Fault f : faults) {
      f.check(steps);
    }
    assertThat(containerOf(oom).getReason()).as("the kernel's OOM killer").isEqualTo("OOMKilled");
    assertThat(containerOf(oom).getExitCode()).isEqualTo(137);
    assertThat(stall.failure.get("message").toString())
        .containsPattern("no progress for \\d+ s \\(at [1-9]\\d* bytes");
  }

  /**
   * The sources: a small tree for the OOM fault, four 32 MiB shards for the stall (through the
   * slowed proxy its backup lasts minutes, so it still runs when its first progress shows and the
   * proxy stalls), and a claim of a StorageClass that does not exist.
   */
  private static void sources(Steps steps) throws java.io.IOException {
    LlmTrees.small(steps.pvc("oom-src"), 1);
    LlmTrees.model(steps.pvc("stall-src").resolve("model"), LlmTrees.TINY, 4, 1);
    steps.apply(
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: never-binds, namespace: %s}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: no-such-class
          resources: {requests: {storage: 1Gi}}
        """
            .formatted(NS));
  }

  /**
   * One look at every fault: keeps the Job pods seen, records the faults that ended, and stalls the
   * proxy once the stalled policy's backup has shown progress.
   */
  private void observe(Steps steps, FlakyProxy proxy) {
    for (Pod p : Cluster.get().client().pods().inNamespace(NS).list().getItems()) {
      jobPods.put(p.getMetadata().getName(), p);
    }
    faults.forEach(f -> f.observe(steps));
    if (!stalled) {
      stallOnceItProgresses(steps, proxy);
    }
  }

  /** Stalls the proxy once the stalled policy's status shows bytes done; its bound starts then. */
  private void stallOnceItProgresses(Steps steps, FlakyProxy proxy) {
    Map<?, ?> st = steps.status(Steps.POLICIES, stall.policy);
    Map<?, ?> progress = st == null ? null : (Map<?, ?>) st.get("progress");
    if (progress != null && ((Number) progress.get("bytesDone")).longValue() > 0) {
      proxy.stall();
      stalled = true;
      stall.from = Instant.now();
      System.out.println("stalled the store at " + progress + ", " + proxy.bytes + " B carried");
    }
  }

  /** How the container of the fault's Job pod ended, as last seen. */
  private ContainerStateTerminated containerOf(Fault f) {
    String job = f.failure.get("job").toString();
    Pod pod =
        jobPods.values().stream()
            .filter(p -> job.equals(p.getMetadata().getLabels().get("job-name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no pod of Job " + job + " seen"));
    return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }
}
