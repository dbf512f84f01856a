package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.controller.JobPod;
import dev.arca.it.FlakyProxy;
import dev.arca.it.S3Servers;
import dev.arca.samples.LlmTrees;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Event;
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
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Operational faults that only a real node shows, each ending in a clear condition and Event within
 * a bounded time instead of a silent hang (issue 21, deliverable 4; the unschedulable Job is in
 * {@link RealNodeBackupRestoreTest}): an image that cannot be pulled, a PVC that never binds, a
 * container the kernel kills for its memory limit, and a backup whose object store stops answering
 * (MinIO behind a {@link FlakyProxy} that stalls). They run at once, each its own BackupPolicy and
 * repository in one namespace, so the test lasts about as long as the slowest: the stall, whose
 * timeout is at least 60 s.
 *
 * <p>The Jobs' image is set for the whole installation (the chart's {@code jobs.image}), so the
 * image fault upgrades the release to a tag that does not exist once the PVC and OOM faults have
 * ended and the stalled backup's Job is made (the operator's restart then falls in no bounded wait
 * but the stall's 60 s), and sets it back at the end. The node has no route out, so the pull fails
 * at once, as an unknown image does anywhere.
 */
@Isolated("it upgrades the release to a Jobs' image that does not exist, and back")
class RealNodeFaultsTest {
  private static final String NS = "faults";
  private static final String PASSWORD_SECRET = "arca-repository-password";

  /** The operator's reconcile period while a Job is active (BackupPolicyReconciler). */
  private static final Duration RECONCILE = Duration.ofSeconds(15);

  /** The unbound fault's startTimeoutSeconds. */
  private static final long START_TIMEOUT = 20;

  /** The stalled fault's stallTimeoutSeconds: the smallest the CRD accepts. */
  private static final long STALL_TIMEOUT = 60;

  /**
   * One fault: its policy, the reason its run must end with, what the message must say, and how
   * long it may take from {@link #from}.
   */
  private static final class Fault {
    final String policy;
    final String reason;
    final Duration bound;
    final List<String> says;
    Instant from;
    Duration took;
    Map<?, ?> failure;

    Fault(String policy, String reason, Duration bound, String... says) {
      this.policy = policy;
      this.reason = reason;
      this.bound = bound;
      this.says = List.of(says);
    }

    @Override
    public String toString() {
      return policy
          + " "
          + (took == null ? "-" : took.toMillis() + " ms")
          + " (bound "
          + bound
          + ")";
    }
  }

  private final Fault imagePull =
      new Fault(
          "no-image",
          "PodCannotStart",
          JobPod.ERROR_GRACE.plus(RECONCILE).plusSeconds(20), // + Job, pod, first pull
          "cannot start: ",
          "arca:no-such-tag",
          "the chart's jobs.image.repository and jobs.image.tag");
  private final Fault unbound =
      new Fault(
          "unbound",
          "PodCannotStart",
          Duration.ofSeconds(START_TIMEOUT).plus(RECONCILE).plusSeconds(20),
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
          RECONCILE.plusSeconds(30), // + pod start, the JVM growing to the limit, the Job's end
          "was killed for exceeding its memory limit (OOMKilled, limit 64Mi)",
          "raise spec.job.resources.limits.memory");

  private final Fault stall =
      new Fault(
          "stalled",
          "ProgressStalled",
          // from the stall: + the last line's age (5 s) and what the pipeline's buffers take
          Duration.ofSeconds(STALL_TIMEOUT).plus(RECONCILE).plusSeconds(25),
          "stallTimeoutSeconds is " + STALL_TIMEOUT,
          "the source or the repository stopped answering");
  private final List<Fault> faults = List.of(imagePull, unbound, oom, stall);
  private final Map<String, Pod> jobPods = new LinkedHashMap<>();
  private boolean stalled;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void eachFaultEndsInItsConditionAndEventWithinItsBound() throws Exception {
    assumeTrue(
        Cluster.realNode(),
        "the faults of a real node run in the e2e pom's real-node execution (-Darca.e2e.realnode)");
    Steps steps = new Steps(NS);
    RealNodeCluster node = Cluster.node();
    // delays of up to a second on a tenth of the 64 KiB pieces: a slow store the backup outlasts
    try (FlakyProxy proxy = new FlakyProxy(S3Servers.minio(), 0, 1000, 21)) {
      try {
        sources(steps);
        URI slow = URI.create("http://" + node.podAddress(proxy.uri().getPort()));
        policy(
            steps,
            unbound,
            "never-binds",
            job("256Mi", "1Gi", "startTimeoutSeconds: " + START_TIMEOUT));
        policy(steps, oom, "oom-src", job("64Mi", "64Mi", ""));
        policy(
            steps,
            stall,
            "stall-src",
            job("256Mi", "1Gi", "stallTimeoutSeconds: " + STALL_TIMEOUT),
            slow);
        awaitFaults(steps, proxy, List.of(unbound, oom)); // the stalled backup runs on
        assertThat(steps.status(Steps.POLICIES, stall.policy).get("activeJob")).isNotNull();
        jobsImageTag("no-such-tag"); // the operator restarts within the stall's 60 s
        policy(steps, imagePull, "oom-src", job("256Mi", "1Gi", ""));
        awaitFaults(steps, proxy, faults);
      } finally {
        proxy.unstall();
        jobsImageTag("");
        System.out.println("faults measured: " + faults);
      }
    }
    for (Fault f : faults) {
      check(steps, f);
    }
    assertThat(containerOf(oom).getReason()).as("the kernel's OOM killer").isEqualTo("OOMKilled");
    assertThat(containerOf(oom).getExitCode()).isEqualTo(137);
    assertThat(imagePull.failure.get("message").toString())
        .containsPattern("cannot start: (ErrImagePull|ImagePullBackOff): ");
    assertThat(stall.failure.get("message").toString())
        .containsPattern("no progress for \\d+ s \\(at [1-9]\\d* bytes");
  }

  /**
   * The sources: a small tree for the OOM fault, four 32 MiB shards for the stall (through the
   * slowed proxy its backup lasts minutes, so it still runs when its first progress shows and the
   * proxy stalls), and a claim of a StorageClass that does not exist.
   */
  private static void sources(Steps steps) throws java.io.IOException {
    steps.secrets(PASSWORD_SECRET, Steps.PASSWORD);
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

  private static void policy(Steps steps, Fault f, String pvc, String job) {
    policy(steps, f, pvc, job, steps.s3);
  }

  /** The fault's policy: a run now of {@code pvc} into a repository of its own at {@code s3}. */
  private static void policy(Steps steps, Fault f, String pvc, String job, URI s3) {
    String bucket = S3Servers.newBucket(S3Servers.minio(), false);
    steps.policy(f.policy, pvc, bucket, PASSWORD_SECRET, job, "initialize: IfMissing", s3);
    f.from = Instant.now();
  }

  /**
   * A policy's spec.job: the memory {@code request} and {@code limit}, a small CPU request (the
   * node has 2 CPUs: with the Jobs' default request of 1 CPU a third pod would wait for CPU instead
   * of showing its own fault), and the fields {@code more}.
   */
  private static String job(String request, String limit, String more) {
    return """
        job:
          resources:
            requests: {cpu: 100m, memory: %s}
            limits: {memory: %s}
          %s
        """
        .formatted(request, limit, more);
  }

  /**
   * The release upgraded with the Jobs' image tag {@code tag} ("" for the chart's: the operator's
   * tag), its other values kept; returns once the operator runs with it.
   */
  private static void jobsImageTag(String tag) {
    Charts.upgradeOperator("jobs: {image: {tag: \"" + tag + "\"}}\n");
    String image = tag.isEmpty() ? RealNodeCluster.IMAGE : "arca:" + tag;
    assertThat(
            Cluster.get()
                .client()
                .apps()
                .deployments()
                .inNamespace(Cluster.OPERATOR_NAMESPACE)
                .withName("arca")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .as("the operator's ARCA_ENGINE_IMAGE")
        .anyMatch(e -> "ARCA_ENGINE_IMAGE".equals(e.getName()) && image.equals(e.getValue()));
  }

  /**
   * One look at every fault: keeps the Job pods seen, records the faults that ended, and stalls the
   * proxy once the stalled policy's backup has shown progress.
   */
  private void awaitFaults(Steps steps, FlakyProxy proxy, List<Fault> which) {
    steps.await(
        "the faults of " + which.stream().map(f -> f.policy).toList(),
        () -> {
          observe(steps, proxy);
          return which.stream().allMatch(f -> f.failure != null);
        },
        done -> done);
  }

  private void observe(Steps steps, FlakyProxy proxy) {
    for (Pod p : Cluster.get().client().pods().inNamespace(NS).list().getItems()) {
      jobPods.put(p.getMetadata().getName(), p);
    }
    for (Fault f : faults) {
      Map<?, ?> st =
          f.failure == null && f.from != null ? steps.status(Steps.POLICIES, f.policy) : null;
      if (st != null && st.get("lastFailure") != null) {
        f.failure = (Map<?, ?>) st.get("lastFailure");
        f.took = Duration.between(f.from, Instant.now());
        System.out.println("fault " + f + ": " + f.failure);
      }
    }
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

  /** The fault's reason, message, condition, Event and time bound. */
  private void check(Steps steps, Fault f) {
    assertThat(f.failure.get("reason")).as("%s: %s", f.policy, f.failure).isEqualTo(f.reason);
    String message = f.failure.get("message").toString();
    assertThat(message).as(f.policy).contains(f.says);
    Map<?, ?> condition = steps.condition(Steps.POLICIES, f.policy, "LastBackupSucceeded");
    assertThat(condition.get("status")).as(f.policy).isEqualTo("False");
    assertThat(condition.get("reason")).as(f.policy).isEqualTo(f.reason);
    List<Event> events = steps.events(f.policy, f.reason);
    assertThat(events).as("%s: a %s Event", f.policy, f.reason).hasSize(1);
    assertThat(events.get(0).getType()).isEqualTo("Warning");
    assertThat(events.get(0).getMessage()).contains(message);
    assertThat(f.took).as("%s: time to its %s", f.policy, f.reason).isLessThan(f.bound);
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
