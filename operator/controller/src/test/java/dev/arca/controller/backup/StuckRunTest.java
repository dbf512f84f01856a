package dev.arca.controller.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.Reasons;
import dev.arca.controller.metrics.ArcaMetrics;
import dev.arca.samples.ManualClock;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs that would otherwise hang or fail without a word: a backup whose progress stops, and a Job
 * whose container is killed for exceeding its memory limit. Each ends in a condition and an Event
 * that say what happened and what to change.
 */
@EnableKubernetesMockClient(crud = true)
class StuckRunTest {
  static final String NS = "llm";
  KubernetesClient client;
  KubernetesMockServer server;
  Operator operator;
  ManualClock clock;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    clock = new ManualClock(Instant.now().plus(Duration.ofMinutes(2)));
    operator =
        MockCluster.start(
            client,
            new BackupPolicyReconciler(
                OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test")),
                clock,
                new ArcaMetrics(new SimpleMeterRegistry())));
  }

  @AfterEach
  void tearDown() {
    operator.stop();
  }

  private Job firstJob(String policy) throws InterruptedException {
    return MockCluster.await(
        "a backup Job",
        () ->
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withLabel("arca.dev/policy", policy)
                .list()
                .getItems()
                .stream()
                .findFirst()
                .orElse(null));
  }

  private BackupPolicy get(String name) {
    return client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get();
  }

  private void touch(String name) {
    MockCluster.retryOnConflict(
        () -> {
          BackupPolicy p = get(name);
          p.getMetadata().setAnnotations(Map.of("touch", String.valueOf(System.nanoTime())));
          client.resources(BackupPolicy.class).inNamespace(NS).resource(p).update();
        });
  }

  private List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private String lastBackupReason(String policy) {
    BackupPolicy p = get(policy);
    return p == null || p.getStatus() == null
        ? null
        : p.getStatus().conditions.stream()
            .filter(c -> "LastBackupSucceeded".equals(c.getType()) && "False".equals(c.getStatus()))
            .map(c -> c.getReason())
            .findFirst()
            .orElse(null);
  }

  @Test
  void aBackupWhoseProgressStopsIsGivenUpAfterItsStallTimeout() throws Exception {
    Job job = runNow("hung", 120L);
    runningPod("hung-pod", job, "{\"progress\":{\"bytesDone\":4096,\"filesDone\":7}}\n");
    touch("hung");
    MockCluster.await(
        "progress with advancedAt",
        () -> {
          BackupPolicy q = get("hung");
          return q.getStatus() != null
                  && q.getStatus().progress != null
                  && q.getStatus().progress.advancedAt != null
              ? q
              : null;
        });

    stillRunningAfter("hung", job, Duration.ofSeconds(90)); // within the timeout
    assertThat(stalledAfter("hung", job, Duration.ofSeconds(60))) // 150 s without progress
        .contains("no progress for 150 s", "4096 bytes", "7 files", "stallTimeoutSeconds is 120");
    assertThat(get("hung").getStatus().activeJob).isNull();
  }

  @Test
  void aBackupHungBeforeItsFirstProgressReportIsGivenUpAfterItsStallTimeout() throws Exception {
    Job job = runNow("mute", 120L);
    runningPod("mute-pod", job, "opening repository s3:http://minio:9000/arca\n");
    touch("mute");
    MockCluster.await(
        "Running=True",
        () ->
            get("mute").getStatus() != null
                    && get("mute").getStatus().conditions.stream()
                        .anyMatch(
                            c -> "Running".equals(c.getType()) && "True".equals(c.getStatus()))
                ? true
                : null);

    stillRunningAfter("mute", job, Duration.ofSeconds(90)); // within the timeout
    assertThat(get("mute").getStatus().progress).isNull();
    assertThat(stalledAfter("mute", job, Duration.ofSeconds(60))) // 150 s since it started
        .contains(
            "no progress for 150 s (since its container started, before its first progress report",
            "stallTimeoutSeconds is 120");
  }

  /** Creates the policy {@code name} with {@code stallTimeoutSeconds}, run now: its Job. */
  private Job runNow(String name, long stallTimeoutSeconds) throws InterruptedException {
    BackupPolicy p = BackupPolicyReconcilerTest.policy(name, "0 0 1 1 *");
    p.getSpec().job = new JobOverrides();
    p.getSpec().job.stallTimeoutSeconds = stallTimeoutSeconds;
    p.getMetadata().setAnnotations(Map.of(BackupPolicyReconciler.RUN_NOW, "1"));
    client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
    return firstJob(name);
  }

  /** Moves the clock by {@code d}: the policy's run has not failed and its Job is still there. */
  private void stillRunningAfter(String policy, Job job, Duration d) throws InterruptedException {
    clock.advance(d);
    touch(policy);
    Thread.sleep(1500);
    assertThat(lastBackupReason(policy)).isNull();
    assertThat(jobNamed(job)).isNotNull();
  }

  /**
   * Moves the clock by {@code d}: the policy's run fails with ProgressStalled, its Job deleted and
   * an Event recorded; the failure's message.
   */
  private String stalledAfter(String policy, Job job, Duration d) throws InterruptedException {
    clock.advance(d);
    touch(policy);
    MockCluster.await(
        "LastBackupSucceeded=False (ProgressStalled)",
        () -> Reasons.PROGRESS_STALLED.equals(lastBackupReason(policy)) ? true : null);
    MockCluster.await("the stalled Job deleted", () -> jobNamed(job) == null ? true : null);
    assertThat(events(Reasons.PROGRESS_STALLED))
        .anySatisfy(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo(policy));
    return get(policy).getStatus().lastFailure.message;
  }

  private Job jobNamed(Job job) {
    return client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).get();
  }

  /** A running pod of {@code job} whose container started now and whose log is {@code log}. */
  private void runningPod(String name, Job job, String log) {
    MockCluster.runningPod(client, server, job, name, clock.instant(), log);
  }

  @Test
  void aJobKilledForItsMemoryLimitSaysSoAndWhatToRaise() throws Exception {
    BackupPolicy p = BackupPolicyReconcilerTest.policy("greedy", "0 0 1 1 *");
    p.getMetadata().setAnnotations(Map.of(BackupPolicyReconciler.RUN_NOW, "1"));
    client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
    Job job = firstJob("greedy");
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("greedy-pod")
                .withNamespace(NS)
                .addToLabels("job-name", job.getMetadata().getName())
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("arca")
                .withImage("arca:test")
                .withNewResources()
                .addToLimits("memory", new Quantity("1Gi"))
                .endResources()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Failed")
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName("arca")
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(137)
                        .withReason("OOMKilled")
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
        .inNamespace(NS)
        .withName(job.getMetadata().getName())
        .editStatus(
            j ->
                new JobBuilder(j)
                    .withNewStatus()
                    .withFailed(1)
                    .withConditions(
                        new JobConditionBuilder()
                            .withType("Failed")
                            .withStatus("True")
                            .withReason("BackoffLimitExceeded")
                            .withMessage("Job has reached the specified backoff limit")
                            .build())
                    .endStatus()
                    .build());
    touch("greedy");
    MockCluster.await(
        "LastBackupSucceeded=False (OOMKilled)",
        () -> Reasons.OOM_KILLED.equals(lastBackupReason("greedy")) ? true : null);
    assertThat(get("greedy").getStatus().lastFailure.message)
        .contains(
            "killed for exceeding its memory limit",
            "limit 1Gi",
            "spec.job.resources.limits.memory");
    assertThat(events(Reasons.OOM_KILLED)).isNotEmpty();
  }
}
