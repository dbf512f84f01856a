package dev.arca.controller.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import dev.arca.samples.ManualClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The traps of a new user's first hour, on the mock API server: a schedule that never comes,
 * run-now while suspended or not Ready, a Job pod that cannot start, a Job deleted under the
 * operator, the run's own pod taken for a user of its volume, and a status that changes under a
 * running Job. Each ends in status, a condition and an Event, never in a silent stop.
 */
@EnableKubernetesMockClient(crud = true)
class FirstHourTest {
  static final String NS = BackupPolicyReconcilerTest.NS;
  static final String NEVER = "0 2 31 2 *";
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;
  ManualClock clock;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    clock = new ManualClock(Instant.now().plus(Duration.ofMinutes(2)));
    operator = startOperator();
  }

  private Operator startOperator() {
    return MockCluster.start(
        client,
        new BackupPolicyReconciler(
            OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test")),
            clock,
            new dev.arca.controller.metrics.ArcaMetrics(
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  BackupPolicy policy(String name, String schedule, String runNow) {
    BackupPolicy p = BackupPolicyReconcilerTest.policy(name, schedule);
    if (runNow != null) {
      p.getMetadata().setAnnotations(new HashMap<>(Map.of(BackupPolicyReconciler.RUN_NOW, runNow)));
    }
    return client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
  }

  BackupPolicy get(String name) {
    return client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get();
  }

  /** Changes the policy as a user would, again when the operator's status write came first. */
  void edit(String name, java.util.function.Consumer<BackupPolicy> change) {
    MockCluster.retryOnConflict(
        () ->
            client
                .resources(BackupPolicy.class)
                .inNamespace(NS)
                .withName(name)
                .edit(
                    p -> {
                      change.accept(p);
                      return p;
                    }));
  }

  void runNow(String name, String value) {
    edit(
        name,
        p -> {
          if (p.getMetadata().getAnnotations() == null) {
            p.getMetadata().setAnnotations(new HashMap<>());
          }
          p.getMetadata().getAnnotations().put(BackupPolicyReconciler.RUN_NOW, value);
        });
  }

  void touch(String name) {
    edit(
        name,
        p -> {
          Map<String, String> labels = new HashMap<>();
          if (p.getMetadata().getLabels() != null) {
            labels.putAll(p.getMetadata().getLabels());
          }
          labels.put("touch", Long.toString(System.nanoTime()));
          p.getMetadata().setLabels(labels);
        });
  }

  List<Job> jobs(String policy) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel("arca.dev/policy", policy)
        .list()
        .getItems();
  }

  List<Event> events(String policy, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> policy.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  io.fabric8.kubernetes.api.model.Condition condition(String policy, String type) {
    BackupPolicy p = get(policy);
    if (p == null || p.getStatus() == null) {
      return null;
    }
    return p.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  <T> T await(String what, java.util.function.Supplier<T> probe) throws InterruptedException {
    return MockCluster.await(what, probe);
  }

  Job awaitJob(String policy) throws InterruptedException {
    return await("a Job of " + policy, () -> jobs(policy).stream().findFirst().orElse(null));
  }

  @Test
  void aScheduleThatNeverComesIsRefusedBeforeAnythingStartsAndItsRunNowIsNotReplayed()
      throws Exception {
    policy("feb31", NEVER, "first");
    var ready =
        await(
            "Ready=False",
            () -> {
              var c = condition("feb31", "Ready");
              return c != null && "False".equals(c.getStatus()) ? c : null;
            });
    assertThat(ready.getReason()).isEqualTo("InvalidSchedule");
    assertThat(ready.getMessage()).contains("spec.schedule", "'0 2 31 2 *' never comes");
    BackupPolicyStatus st = await("run-now answered", () -> answered(get("feb31")));
    assertThat(st.lastRunNowRequest).isEqualTo("first");
    assertThat(st.lastRunNowResult).startsWith("refused: the policy is not Ready");
    assertThat(st.nextScheduleTime).isNull();
    await("a RunNowRefused event", () -> !events("feb31", "RunNowRefused").isEmpty());
    assertThat(events("feb31", "InvalidSchedule")).hasSize(1);
    assertThat(jobs("feb31")).isEmpty();

    // fixed: it becomes Ready, and the refused request does not fire later
    edit("feb31", p -> p.getSpec().schedule = "0 3 1 1 *");
    await("Ready=True", () -> "True".equals(condition("feb31", "Ready").getStatus()) ? true : null);
    Thread.sleep(500);
    assertThat(jobs("feb31")).isEmpty();
    // a prune schedule that never comes names its own field
    edit(
        "feb31",
        p -> {
          p.getSpec().prune = new dev.arca.api.v1alpha1.BackupPolicySpec.PruneSpec();
          p.getSpec().prune.schedule = NEVER;
        });
    await(
        "spec.prune.schedule refused",
        () -> condition("feb31", "Ready").getMessage().startsWith("spec.prune.schedule"));
  }

  @Test
  void aJobThatEndsAfterItsPolicyTurnedInvalidIsStillRecorded() throws Exception {
    policy("late-bad", "0 3 1 1 *", "go");
    Job job = awaitJob("late-bad");
    await("activeJob", () -> get("late-bad").getStatus().activeJob);
    edit("late-bad", p -> p.getSpec().schedule = NEVER);
    await(
        "Ready=False",
        () -> "False".equals(condition("late-bad", "Ready").getStatus()) ? true : null);
    MockCluster.finish(
        client, job, true, BackupPolicyReconcilerTest.summary("cd".repeat(32), "full"));
    BackupPolicy done =
        await(
            "the run recorded",
            () -> {
              BackupPolicy p = get("late-bad");
              return p.getStatus().lastBackup != null ? p : null;
            });
    assertThat(done.getStatus().activeJob).isNull();
    assertThat(done.getStatus().lastBackup.snapshotId).isEqualTo("cd".repeat(32));
    assertThat(done.getStatus().lastBackup.size).isEqualTo("1 B");
    Snapshot snap = MockCluster.lastSnapshot(client, done);
    assertThat(snap.getSpec().snapshotId).isEqualTo("cd".repeat(32));
    // the catalog outlives its policy: no owner for the garbage collector to follow
    assertThat(snap.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(snap.getMetadata().getLabels()).containsEntry("arca.dev/policy", "late-bad");
    assertThat(snap.getSpec().size).isEqualTo("1 B");
    assertThat(events("late-bad", "BackupSucceeded")).hasSize(1);
    assertThat(condition("late-bad", "Ready").getStatus()).isEqualTo("False");
  }

  @Test
  void suspendStopsRunNowTooAndSaysSoInAConditionAndEvents() throws Exception {
    BackupPolicy p = BackupPolicyReconcilerTest.policy("paused", "0 3 1 1 *");
    p.getSpec().suspend = true;
    p.getMetadata().setAnnotations(new HashMap<>(Map.of(BackupPolicyReconciler.RUN_NOW, "1")));
    client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
    BackupPolicyStatus st = await("run-now answered", () -> answered(get("paused")));
    assertThat(st.lastRunNowResult).isEqualTo("refused: the policy is suspended (spec.suspend)");
    assertThat(condition("paused", "Suspended").getStatus()).isEqualTo("True");
    assertThat(condition("paused", "Ready").getReason()).isEqualTo("Suspended");
    await("a Suspended event", () -> !events("paused", "Suspended").isEmpty());
    await("a RunNowRefused event", () -> !events("paused", "RunNowRefused").isEmpty());
    assertThat(events("paused", "RunNowRefused").get(0).getMessage())
        .contains("'1'", "suspended", "set a new value");
    assertThat(jobs("paused")).isEmpty();

    edit("paused", x -> x.getSpec().suspend = false);
    await("a Resumed event", () -> !events("paused", "Resumed").isEmpty());
    assertThat(condition("paused", "Suspended").getStatus()).isEqualTo("False");
    Thread.sleep(500);
    assertThat(jobs("paused")).as("the refused request is not replayed").isEmpty();
    assertThat(events("paused", "Suspended")).hasSize(1);

    runNow("paused", "2");
    awaitJob("paused");
    await(
        "run-now 2 answered",
        () -> "2".equals(get("paused").getStatus().lastRunNowRequest) ? true : null);
    assertThat(get("paused").getStatus().lastRunNowResult)
        .startsWith("started Job paused-backup-now-");
  }

  @Test
  void aPodThatCannotStartFailsTheRunNamesTheCauseAndDeletesTheJob() throws Exception {
    policy("no-key", "0 3 1 1 *", "1");
    Job job = awaitJob("no-key");
    // what a kubelet reports for passwordSecretRef.key: passwd when the Secret has "password"
    MockCluster.pod(
        client,
        job,
        "Pending",
        "CreateContainerConfigError: couldn't find key passwd in Secret llm/pw");
    touch("no-key");
    var failed =
        await(
            "LastBackupSucceeded=False",
            () -> {
              var c = condition("no-key", "LastBackupSucceeded");
              return c != null && "False".equals(c.getStatus()) ? c : null;
            });
    assertThat(failed.getReason()).isEqualTo("PodCannotStart");
    assertThat(failed.getMessage())
        .contains("CreateContainerConfigError", "couldn't find key passwd in Secret llm/pw");
    BackupPolicy p = get("no-key");
    assertThat(p.getStatus().activeJob).isNull();
    assertThat(p.getStatus().lastFailure.reason).isEqualTo("PodCannotStart");
    assertThat(condition("no-key", "Running").getStatus()).isEqualTo("False");
    await("the Job deleted", () -> jobs("no-key").isEmpty());
    assertThat(events("no-key", "PodCannotStart")).hasSize(1);

    // a pod that is never scheduled fails after the policy's start timeout
    edit(
        "no-key",
        x -> {
          x.getSpec().job = new JobOverrides();
          x.getSpec().job.startTimeoutSeconds = 60L;
        });
    runNow("no-key", "2");
    Job second =
        await(
            "the second Job",
            () ->
                jobs("no-key").stream()
                    .filter(j -> !j.getMetadata().getName().equals(job.getMetadata().getName()))
                    .findFirst()
                    .orElse(null));
    MockCluster.unscheduledPod(
        client,
        second,
        second.getMetadata().getName() + "-x",
        "0/3 nodes are available: 3 Insufficient memory.");
    touch("no-key");
    await(
        "the second run failed",
        () ->
            get("no-key").getStatus().lastFailure.message.contains("did not start within 60 s")
                ? true
                : null);
    assertThat(get("no-key").getStatus().lastFailure.message)
        .contains("Unschedulable", "Insufficient memory");
  }

  @Test
  void aJobDeletedWhileActiveIsReportedAndDoesNotBlockTheNextRun() throws Exception {
    policy("vanish", "0 3 1 1 *", "1");
    Job job = awaitJob("vanish");
    await("activeJob", () -> get("vanish").getStatus().activeJob);
    client.batch().v1().jobs().inNamespace(NS).resource(job).delete();
    BackupPolicy p =
        await(
            "JobDeleted",
            () -> {
              BackupPolicy x = get("vanish");
              return x.getStatus().lastFailure != null ? x : null;
            });
    assertThat(p.getStatus().lastFailure.reason).isEqualTo("JobDeleted");
    assertThat(p.getStatus().lastFailure.message).contains(job.getMetadata().getName());
    assertThat(p.getStatus().activeJob).isNull();
    runNow("vanish", "2");
    awaitJob("vanish");
  }

  @Test
  void theRunsOwnPodIsNotAUserOfItsVolumeAndAStaleStatusStartsNothingTwice() throws Exception {
    MockCluster.pvc(client, NS, "ckpt", "ReadWriteOnce");
    BackupPolicy p = BackupPolicyReconcilerTest.policy("own", "0 3 1 1 *");
    p.getSpec().sources.get(0).pvc = "ckpt";
    p.getMetadata().setAnnotations(new HashMap<>(Map.of(BackupPolicyReconciler.RUN_NOW, "1")));
    client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
    Job job = awaitJob("own");
    await("activeJob", () -> get("own").getStatus().activeJob);
    // the Job's pod runs on a node and mounts the volume, as the Job controller makes it
    Map<String, String> labels =
        new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
    labels.put("job-name", job.getMetadata().getName());
    MockCluster.podMounting(
        client, NS, job.getMetadata().getName() + "-pod", "ckpt", "Running", "node-3", labels);
    // a reconcile that sees a status from before the run started (what an informer that lags
    // behind the operator's own write shows): the run is taken over, not started again
    MockCluster.retryOnConflict(
        () ->
            client
                .resources(BackupPolicy.class)
                .inNamespace(NS)
                .withName("own")
                .editStatus(
                    x -> {
                      x.getStatus().activeJob = null;
                      x.getStatus().lastRunNowRequest = null;
                      x.getStatus().lastRunNowResult = null;
                      return x;
                    }));
    await("the run taken over", () -> get("own").getStatus().activeJob);
    touch("own");
    Thread.sleep(500);
    assertThat(jobs("own")).hasSize(1);
    assertThat(events("own", "BackupStarted")).hasSize(1);

    // the Job goes, its pod lingers: the next run is not pinned to that pod's node as if a user
    // held the volume there
    client.batch().v1().jobs().inNamespace(NS).resource(job).delete();
    await("JobDeleted", () -> get("own").getStatus().lastFailure);
    runNow("own", "2");
    Job second =
        await(
            "the second Job",
            () ->
                jobs("own").stream()
                    .filter(j -> !j.getMetadata().getName().equals(job.getMetadata().getName()))
                    .findFirst()
                    .orElse(null));
    assertThat(second.getSpec().getTemplate().getSpec().getAffinity()).isNull();
    await("two BackupStarted events", () -> events("own", "BackupStarted").size() == 2);
    assertThat(events("own", "BackupStarted"))
        .extracting(Event::getMessage)
        .noneMatch(m -> m.contains("in use"));
    assertThat(events("own", "PlacementConflict")).isEmpty();
  }

  @Test
  void aMissingSecretIsNoticedWithinSecondsOfItsCreationAndRunNowIsNotReplayed() throws Exception {
    BackupPolicy p = BackupPolicyReconcilerTest.policy("secretless", "0 3 1 1 *");
    p.getSpec().repository.passwordSecretRef = new SecretKeyRef("late", "password");
    p.getMetadata().setAnnotations(new HashMap<>(Map.of(BackupPolicyReconciler.RUN_NOW, "now")));
    client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
    await(
        "MissingSecret",
        () -> {
          var c = condition("secretless", "Ready");
          return c != null && "MissingSecret".equals(c.getReason()) ? true : null;
        });
    assertThat(await("answered", () -> answered(get("secretless"))).lastRunNowResult)
        .contains("refused", "Secret 'late' does not exist");
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("late")
                .withNamespace(NS)
                .endMetadata()
                .addToStringData("password", "x")
                .build())
        .create();
    long t0 = System.nanoTime();
    await(
        "Ready=True",
        () -> "True".equals(condition("secretless", "Ready").getStatus()) ? true : null);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isLessThan(BackupPolicyReconciler.RECHECK.plusSeconds(5));
    Thread.sleep(500);
    assertThat(jobs("secretless")).isEmpty();
  }

  @Test
  void aJobTheApiServerRefusesIsAFailedRunNotAStuckReconcile() throws Exception {
    server
        .expect()
        .post()
        .withPath("/apis/batch/v1/namespaces/llm/jobs")
        .andReturn(
            403,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withStatus("Failure")
                .withReason("Forbidden")
                .withMessage("exceeded quota: jobs, requested: count/jobs.batch=1")
                .withCode(403)
                .build())
        .once();
    policy("quota", "0 3 1 1 *", "1");
    BackupPolicyStatus st = await("run-now answered", () -> answered(get("quota")));
    assertThat(st.lastRunNowResult).startsWith("refused: Job quota-backup-now-");
    assertThat(st.lastFailure.reason).isEqualTo("JobNotCreated");
    assertThat(st.lastFailure.message).contains("exceeded quota");
    assertThat(st.activeJob).isNull();
    await("a JobNotCreated event", () -> !events("quota", "JobNotCreated").isEmpty());
    runNow("quota", "2");
    awaitJob("quota");
  }

  @Test
  void snapshotObjectsThatAnEarlierVersionGaveThePolicyAsOwnerAreFreed() throws Exception {
    BackupPolicy p = policy("upgraded", "0 3 1 1 *", null);
    Snapshot old = new Snapshot();
    old.getMetadata().setName("upgraded-0123456789ab");
    old.getMetadata().setNamespace(NS);
    old.getMetadata().setLabels(Map.of("arca.dev/policy", "upgraded"));
    old.getMetadata()
        .setOwnerReferences(
            List.of(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withApiVersion(p.getApiVersion())
                    .withKind(p.getKind())
                    .withName("upgraded")
                    .withUid(p.getMetadata().getUid())
                    .build()));
    old.setSpec(new dev.arca.api.v1alpha1.SnapshotSpec());
    old.getSpec().policy = "upgraded";
    old.getSpec().snapshotId = "01".repeat(32);
    var snapshots = client.resources(Snapshot.class).inNamespace(NS);
    snapshots.resource(old).create();
    // the upgrade: a new operator process (the running one freed the policy's Snapshot objects
    // before this one existed, and frees once per process)
    operator.stop();
    operator = startOperator();
    touch("upgraded");
    await(
        "the owner reference removed",
        () -> {
          var refs =
              snapshots.withName("upgraded-0123456789ab").get().getMetadata().getOwnerReferences();
          return refs == null || refs.isEmpty() ? true : null;
        });
    assertThat(snapshots.withName("upgraded-0123456789ab").get().getSpec().snapshotId)
        .isEqualTo("01".repeat(32));
  }

  private static BackupPolicyStatus answered(BackupPolicy p) {
    return p != null && p.getStatus() != null && p.getStatus().lastRunNowResult != null
        ? p.getStatus()
        : null;
  }
}
