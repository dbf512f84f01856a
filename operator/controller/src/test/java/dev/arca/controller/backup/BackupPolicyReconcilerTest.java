package dev.arca.controller.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.CheckpointSource;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.contract.ForgetReport;
import dev.arca.contract.Reports;
import dev.arca.contract.VerifyReport;
import dev.arca.controller.JobNodes;
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
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real BackupPolicy reconciler against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class BackupPolicyReconcilerTest {
  static final String NS = "llm";
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;
  ManualClock clock;
  final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  final dev.arca.controller.metrics.ArcaMetrics metrics =
      new dev.arca.controller.metrics.ArcaMetrics(registry);

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    clock = new ManualClock(Instant.now().plus(Duration.ofMinutes(2)));
    operator =
        MockCluster.start(
            client,
            new BackupPolicyReconciler(
                OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test")), clock, metrics));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  static BackupPolicy policy(String name, String schedule) {
    BackupPolicy p = new BackupPolicy();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(NS);
    BackupPolicySpec s = new BackupPolicySpec();
    s.schedule = schedule;
    BackupPolicySpec.Source src = new BackupPolicySpec.Source();
    src.pvc = "models";
    s.sources = List.of(src);
    s.repository = new RepositorySpec();
    s.repository.url = "s3://bucket/models";
    s.repository.passwordSecretRef = new SecretKeyRef("pw", "password");
    p.setSpec(s);
    return p;
  }

  BackupPolicy create(BackupPolicy p) {
    return client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
  }

  BackupPolicy get(String name) {
    return client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get();
  }

  /** Changes an annotation, which makes the operator reconcile the policy now. */
  void touch(String name) {
    annotate(name, Map.of("touch", String.valueOf(System.nanoTime())));
  }

  /** Sets the policy's annotations, again when the operator's status write came first. */
  void annotate(String name, Map<String, String> annotations) {
    MockCluster.retryOnConflict(
        () -> {
          BackupPolicy p = get(name);
          p.getMetadata().setAnnotations(annotations);
          client.resources(BackupPolicy.class).inNamespace(NS).resource(p).update();
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

  static <T> T await(String what, Supplier<T> probe) throws InterruptedException {
    return MockCluster.await(what, probe);
  }

  static String condition(BackupPolicy p, String type, boolean reason) {
    if (p == null || p.getStatus() == null) {
      return null;
    }
    return p.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .map(c -> reason ? c.getReason() : c.getStatus())
        .findFirst()
        .orElse(null);
  }

  /** The policy once its last backup succeeded. */
  BackupPolicy succeeded(String name) throws InterruptedException {
    return await(
        "LastBackupSucceeded=True on " + name,
        () -> "True".equals(condition(get(name), "LastBackupSucceeded", false)) ? get(name) : null);
  }

  void finish(Job job, boolean ok, String terminationMessage) {
    MockCluster.finish(client, job, ok, terminationMessage);
  }

  /**
   * A reconcile that changes nothing writes nothing: an idle policy woken five times (here by
   * annotation changes; in production by its timers) sends no status patch, so a thousand idle
   * policies make no patch storm.
   */
  @Test
  void anUnchangedStatusIsNotWrittenAgain() throws Exception {
    create(policy("idle", "0 3 1 1 *"));
    await("Ready=True", () -> "True".equals(condition(get("idle"), "Ready", false)) ? true : null);
    Thread.sleep(1000); // the first reconciles settle
    dev.arca.controller.ApiCalls.taken(server);
    for (int i = 0; i < 5; i++) {
      touch("idle");
      Thread.sleep(300);
    }
    Thread.sleep(1000);
    List<String> calls = dev.arca.controller.ApiCalls.taken(server);
    assertThat(calls)
        .as("the reconciles ran (they read the policy's PVC and Secret)")
        .anyMatch(c -> c.contains("/persistentvolumeclaims/models"));
    assertThat(calls)
        .as("no status write")
        .noneMatch(c -> c.startsWith("PATCH") && c.contains("/backuppolicies/idle/status"));
  }

  @Test
  void aDueRunStartsOneJobAndItsSuccessBecomesStatusASnapshotAndAnEvent() throws Exception {
    create(policy("models", "* * * * *"));
    Job job = await("a backup Job", () -> jobs("models").stream().findFirst().orElse(null));
    assertThat(job.getMetadata().getName()).startsWith("models-backup-");
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .contains("--full", "/data/models");
    // Running only once the Job's pod runs; until then the condition says what it waits for
    BackupPolicy starting =
        await(
            "Running=False (JobStarting)",
            () ->
                "JobStarting".equals(condition(get("models"), "Running", true))
                    ? get("models")
                    : null);
    assertThat(conditionOf(starting, "Running").getStatus()).isEqualTo("False");
    assertThat(conditionOf(starting, "Running").getMessage()).contains("waiting to start");
    MockCluster.runningPod(client, job);
    touch("models");
    BackupPolicy running =
        await(
            "Running=True",
            () -> "True".equals(condition(get("models"), "Running", false)) ? get("models") : null);
    assertThat(running.getStatus().activeJob).isEqualTo(job.getMetadata().getName());
    assertThat(condition(running, "Ready", false)).isEqualTo("True");
    assertThat(running.getStatus().nextScheduleTime).isNotNull();

    finish(
        job,
        true,
        "{\"snapshotId\":\""
            + "ab".repeat(32)
            + "\",\"mode\":\"full\",\"files\":12,\"bytes\":4096,\"newBytes\":4096,\"storedBytes\":2048,\"unchangedFiles\":0}");
    BackupPolicy done = succeeded("models");
    assertThat(done.getStatus().activeJob).isNull();
    assertThat(done.getStatus().lastBackup.snapshotId).isEqualTo("ab".repeat(32));
    assertThat(done.getStatus().lastBackup.files).isEqualTo(12);
    assertThat(done.getStatus().lastBackup.storedBytes).isEqualTo(2048);
    Snapshot snap = MockCluster.lastSnapshot(client, done);
    assertThat(snap.getSpec().snapshotId).isEqualTo("ab".repeat(32));
    assertThat(snap.getSpec().policy).isEqualTo("models");
    assertThat(snap.getSpec().pvcs).containsExactly("models");
    assertThat(events("models"))
        .extracting(Event::getReason)
        .contains("BackupStarted", "BackupSucceeded");
    assertThat(jobs("models")).hasSize(1);
    assertThat(
            registry
                .get("arca_backup_last_success_timestamp_seconds")
                .tags("namespace", NS, "policy", "models")
                .gauge()
                .value())
        .isEqualTo(Instant.parse("2026-11-26T02:31:00Z").getEpochSecond());
    assertThat(registry.get("arca_backup_last_stored_bytes").gauge().value()).isEqualTo(2048);
    // the overdue alert counts from creation until a first success
    assertThat(
            registry
                .get("arca_backup_policy_created_timestamp_seconds")
                .tags("namespace", NS, "policy", "models")
                .gauge()
                .value())
        .isEqualTo(
            Instant.parse(get("models").getMetadata().getCreationTimestamp()).getEpochSecond());
    assertThat(
            registry
                .get("arca_runs_total")
                .tags("kind", "backup", "result", "success")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void retentionRunsAForgetJobAfterAGoodBackupAndRemovesForgottenSnapshotObjects()
      throws Exception {
    Snapshot old = new Snapshot();
    old.getMetadata().setName("keep-old");
    old.getMetadata().setNamespace(NS);
    old.setSpec(new dev.arca.api.v1alpha1.SnapshotSpec());
    old.getSpec().policy = "kept";
    old.getSpec().snapshotId = "cd".repeat(32);
    client.resources(Snapshot.class).inNamespace(NS).resource(old).create();
    BackupPolicy p = policy("kept", "* * * * *");
    p.getSpec().retention = new BackupPolicySpec.RetentionSpec();
    p.getSpec().retention.keepLast = 1;
    p.getSpec().retention.keepDaily = 7;
    p.getSpec().retention.keepCheckpoints = 3;
    p.getSpec().retention.keepCheckpointEvery = 10000;
    create(p);
    Job forget = backupThenForget("kept");
    assertThat(forget.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .containsExactly(
            "arca",
            "forget",
            "--json",
            "--keep-last",
            "1",
            "--keep-daily",
            "7",
            "--keep-checkpoints",
            "3",
            "--keep-checkpoint-every",
            "10000",
            "--host",
            get("kept").getMetadata().getNamespace() + "/kept",
            "--tag",
            "arca.dev/policy=kept",
            "--tag",
            "arca.dev/policy-uid=" + get("kept").getMetadata().getUid());
    assertThat(get("kept").getStatus().activeJob).isEqualTo(forget.getMetadata().getName());

    finish(
        forget,
        true,
        "{\"dryRun\":false,\"kept\":[{\"id\":\""
            + "ef".repeat(32)
            + "\"}],\"removed\":[{\"id\":\""
            + "cd".repeat(32)
            + "\"}]}");
    await(
        "the forgotten Snapshot object removed",
        () -> client.resources(Snapshot.class).inNamespace(NS).withName("keep-old").get() == null);
    await("no active Job", () -> get("kept").getStatus().activeJob == null);
    assertThat(client.resources(Snapshot.class).inNamespace(NS).list().getItems())
        .extracting(x -> x.getSpec().snapshotId)
        .contains("ef".repeat(32))
        .doesNotContain("cd".repeat(32));
    assertThat(events("kept")).extracting(Event::getReason).contains("RetentionApplied");
  }

  /**
   * Lets the policy's first backup Job succeed (snapshot efef...) and returns the forget Job that
   * follows it.
   */
  private Job backupThenForget(String policy) throws Exception {
    Job backup = await("a backup Job", () -> jobs(policy).stream().findFirst().orElse(null));
    finish(
        backup,
        true,
        "{\"snapshotId\":\""
            + "ef".repeat(32)
            + "\",\"mode\":\"full\",\"files\":1,\"bytes\":1,\"newBytes\":1,\"storedBytes\":1,\"unchangedFiles\":0}");
    return await(
        "a forget Job",
        () ->
            jobs(policy).stream()
                .filter(j -> "forget".equals(j.getMetadata().getLabels().get("arca.dev/run")))
                .findFirst()
                .orElse(null));
  }

  /**
   * Ends {@code job} as the CLI does with a report longer than a termination message: the message
   * holds its summary (the numbers, a digest and a pointer, {@link Reports#summary}), and the pod's
   * log holds the whole report line.
   */
  private void finishWithLongResult(Job job, boolean ok, Object report) throws Exception {
    String whole = Reports.json(report);
    byte[] bytes = whole.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(bytes.length).isGreaterThan(Reports.SUMMARY_LIMIT);
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/"
                + NS
                + "/pods/"
                + job.getMetadata().getName()
                + "-x1/log?pretty=false&tailLines=50&limitBytes="
                + (bytes.length + (1 << 20)))
        .andReturn(200, "{\"progress\":{\"percent\":100}}\n" + whole + "\n")
        .always();
    finish(job, ok, Reports.summary(whole));
  }

  @Test
  void aForgetThatRemovesAHundredSnapshotsDeletesAllTheirSnapshotObjects() throws Exception {
    List<ForgetReport.Decision> removed = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String id = String.format("%064x", i + 1);
      Snapshot s = new Snapshot();
      s.getMetadata().setName("old-" + i);
      s.getMetadata().setNamespace(NS);
      s.setSpec(new dev.arca.api.v1alpha1.SnapshotSpec());
      s.getSpec().policy = "many";
      s.getSpec().snapshotId = id;
      client.resources(Snapshot.class).inNamespace(NS).resource(s).create();
      removed.add(
          new ForgetReport.Decision(id, "2026-11-01T00:00:00Z", "llm/many", List.of("/d"), null));
    }
    BackupPolicy p = policy("many", "* * * * *");
    p.getSpec().retention = new BackupPolicySpec.RetentionSpec();
    p.getSpec().retention.keepLast = 1;
    create(p);
    Job forget = backupThenForget("many");
    var kept =
        new ForgetReport.Decision(
            "ef".repeat(32), "2026-12-01T00:00:00Z", "llm/many", List.of("/d"), List.of("last 1"));
    finishWithLongResult(
        forget, true, ForgetReport.of(false, List.of(kept), removed, 0, java.util.Map.of()));
    await(
        "the forget recorded",
        () ->
            events("many").stream()
                .anyMatch(
                    e ->
                        e.getReason().startsWith("Retention")
                            && !e.getReason().equals("RetentionStarted")));
    await(
        "all 100 forgotten Snapshot objects removed",
        () ->
            client.resources(Snapshot.class).inNamespace(NS).list().getItems().stream()
                .noneMatch(x -> x.getMetadata().getName().startsWith("old-")));
    assertThat(events("many"))
        .filteredOn(e -> "RetentionApplied".equals(e.getReason()))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("forgot 100 snapshots (100 Snapshot"));
  }

  @Test
  void aVerifyThatFindsFiveThousandDamagedObjectsRaisesTheEventAndTheGauge() throws Exception {
    BackupPolicy p = policy("rotten", "0 0 1 1 *");
    p.getSpec().verify = new BackupPolicySpec.VerifySpec();
    p.getSpec().verify.schedule = "* * * * *";
    create(p);
    Job verify = await("a verify Job", () -> jobs("rotten").stream().findFirst().orElse(null));
    List<String> damaged = new java.util.ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      damaged.add("data/" + String.format("%064x", i) + ": content does not match its name");
    }
    finishWithLongResult(
        verify, false, VerifyReport.of(false, 3, 9, 0, 9000, damaged, List.of(), 0, 0, 1200));
    BackupPolicy checked =
        await(
            "lastVerification",
            () -> get("rotten").getStatus().lastVerification != null ? get("rotten") : null);
    assertThat(checked.getStatus().lastVerification.damagedObjects).isEqualTo(5000);
    await(
        "arca_verify_damage_found = 1",
        () -> policyGauge("arca_verify_damage_found", "rotten") == 1);
    assertThat(events("rotten"))
        .filteredOn(e -> "DamageFound".equals(e.getReason()))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("5000 damaged objects"));
  }

  @Test
  void pruneAndVerifyRunOnTheirOwnSchedulesOneJobAtATime() throws Exception {
    BackupPolicy p = policy("upkeep", "0 0 1 1 *"); // backups once a year: not due in this test
    p.getSpec().prune = new BackupPolicySpec.PruneSpec();
    p.getSpec().prune.schedule = "* * * * *";
    p.getSpec().prune.maxUnusedPercent = 10;
    p.getSpec().verify = new BackupPolicySpec.VerifySpec();
    p.getSpec().verify.schedule = "* * * * *";
    p.getSpec().verify.readDataPercent = 5;
    create(p);
    Job prune = await("a prune Job", () -> jobs("upkeep").stream().findFirst().orElse(null));
    assertThat(prune.getMetadata().getLabels()).containsEntry("arca.dev/run", "prune");
    assertThat(prune.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .containsExactly("arca", "prune", "--json", "--max-unused", "10");
    Thread.sleep(300);
    assertThat(jobs("upkeep")).hasSize(1); // verify waits for the prune Job
    finish(prune, true, "{\"deletedPacks\":2,\"reclaimedBytes\":1000,\"markedPacks\":1}");

    Job verify =
        await(
            "a verify Job",
            () ->
                jobs("upkeep").stream()
                    .filter(j -> "verify".equals(j.getMetadata().getLabels().get("arca.dev/run")))
                    .findFirst()
                    .orElse(null));
    assertThat(verify.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .containsExactly("arca", "verify", "--json", "--read-data-subset", "5");
    finish(
        verify, false, "{\"ok\":false,\"damagedObjects\":[\"data/ab/abcd\"],\"affectedFiles\":[]}");
    BackupPolicy checked =
        await(
            "lastVerification",
            () -> get("upkeep").getStatus().lastVerification != null ? get("upkeep") : null);
    assertThat(checked.getStatus().lastVerification.ok).isFalse();
    assertThat(checked.getStatus().lastVerification.damagedObjects).isEqualTo(1);
    await(
        "arca_verify_damage_found = 1",
        () -> policyGauge("arca_verify_damage_found", "upkeep") == 1);
    assertThat(events("upkeep"))
        .extracting(Event::getReason)
        .contains("PruneSucceeded", "DamageFound");
  }

  @Test
  void maintenanceWaitsForAnErasureJobAndAsksAboutOneOnlyWhenARunIsDue() throws Exception {
    // nothing due: reconciles never list Jobs to look for an erasure
    BackupPolicy idle = policy("idle", "0 0 1 1 *");
    idle.getSpec().prune = new BackupPolicySpec.PruneSpec();
    idle.getSpec().prune.schedule = "0 0 1 1 *";
    create(idle);
    await("the idle policy's status", () -> get("idle").getStatus());
    touch("idle");
    Thread.sleep(500);
    assertThat(dev.arca.controller.ApiCalls.taken(server))
        .noneMatch(call -> call.contains("erasure-policy"));

    // a prune comes due while an ErasureRequest's Job runs on the policy: it waits for that Job
    Job erasure =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(NS)
            .resource(
                new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                    .withNewMetadata()
                    .withName("erase-42-rewrite")
                    .addToLabels(dev.arca.controller.jobs.Labels.ERASURE_POLICY, "held")
                    .endMetadata()
                    .withNewSpec()
                    .endSpec()
                    .build())
            .create();
    BackupPolicy held = policy("held", "0 0 1 1 *");
    held.getSpec().prune = new BackupPolicySpec.PruneSpec();
    held.getSpec().prune.schedule = "* * * * *";
    create(held);
    await("the held policy's status", () -> get("held").getStatus());
    touch("held");
    Thread.sleep(500);
    assertThat(jobs("held")).isEmpty();
    assertThat(get("held").getStatus().lastPruneScheduleTime).isNull();
    finish(erasure, true, "{}");
    touch("held");
    Job prune = await("the prune Job", () -> jobs("held").stream().findFirst().orElse(null));
    assertThat(prune.getMetadata().getLabels()).containsEntry("arca.dev/run", "prune");
  }

  @Test
  void finishedJobsBeyondTheHistoryLimitsAreDeletedOldestFirst() throws Exception {
    BackupPolicy p = policy("history", "0 0 1 1 *");
    p.getSpec().successfulJobsHistoryLimit = 1;
    p.getSpec().failedJobsHistoryLimit = 0;
    BackupPolicy created = create(p);
    for (int i = 0; i < 3; i++) {
      Job j =
          dev.arca.controller.jobs.BackupJobs.backup(
              created,
              new dev.arca.controller.jobs.BackupRun(
                  Instant.parse("2026-11-2" + i + "T00:00:00Z"), false, null),
              OperatorConfig.fromEnv(Map.of()));
      client.batch().v1().jobs().inNamespace(NS).resource(j).create();
      finish(j, i < 2, i < 2 ? "{}" : "{\"ok\":false,\"error\":\"x\",\"exitCode\":1}");
    }
    await("one Job left", () -> jobs("history").size() == 1);
    assertThat(jobs("history").get(0).getMetadata().getName())
        .isEqualTo("history-backup-202611210000");
  }

  void rwoVolume(String pvc, String... nodes) {
    MockCluster.pvc(client, NS, pvc, "ReadWriteOnce");
    int i = 0;
    for (String node : nodes) {
      MockCluster.podMounting(client, NS, pvc + "-user-" + i++, pvc, "Running", node, Map.of());
    }
  }

  @Test
  void aReadWriteOnceVolumeInUseIsBackedUpFromItsNodeAndTwoNodesAreReported() throws Exception {
    rwoVolume("ckpt", "gpu-node-7");
    BackupPolicy p = policy("pinned", "* * * * *");
    p.getSpec().sources.get(0).pvc = "ckpt";
    create(p);
    Job job = await("a backup Job", () -> jobs("pinned").stream().findFirst().orElse(null));
    assertThat(JobNodes.pinnedTo(job)).containsExactly("gpu-node-7");
    // the Event follows the Job's creation
    await(
        "the BackupStarted event",
        () ->
            events("pinned").stream().anyMatch(e -> e.getMessage().contains("on node gpu-node-7")));

    rwoVolume("split", "node-a", "node-b");
    BackupPolicy q = policy("split", "* * * * *");
    q.getSpec().sources.get(0).pvc = "split";
    create(q);
    await(
        "a PlacementConflict event",
        () -> events("split").stream().anyMatch(e -> "PlacementConflict".equals(e.getReason())));
    assertThat(events("split"))
        .extracting(Event::getMessage)
        .anyMatch(m -> m.contains("node-a, node-b"));
    assertThat(jobs("split")).isEmpty();
    // the Event is recorded before the status patch lands: wait for the status too
    assertThat(
            await(
                    "lastFailure",
                    () ->
                        get("split").getStatus() == null
                            ? null
                            : get("split").getStatus().lastFailure)
                .reason)
        .isEqualTo("PlacementConflict");
  }

  @Test
  void progressOfTheRunningJobIsReadFromItsLogIntoStatus() throws Exception {
    create(policy("slow", "* * * * *"));
    Job job = await("a backup Job", () -> jobs("slow").stream().findFirst().orElse(null));
    MockCluster.runningPod(
        client,
        server,
        job,
        "slow-pod",
        clock.instant(),
        "{\"progress\":{\"bytesDone\":420,\"bytesTotal\":1000,\"percent\":42,\"etaSeconds\":7,\"filesDone\":3}}\n");
    touch("slow");
    BackupPolicy running =
        await(
            "progress in status",
            () -> {
              BackupPolicy q = get("slow");
              return q.getStatus() != null && q.getStatus().progress != null ? q : null;
            });
    assertThat(running.getStatus().progress.percent).isEqualTo(42);
    assertThat(running.getStatus().progress.bytesTotal).isEqualTo(1000);
    assertThat(running.getStatus().progress.etaSeconds).isEqualTo(7);
  }

  @Test
  void aJobPastItsDeadlineIsReportedAndDoesNotBlockTheNextRun() throws Exception {
    BackupPolicy p = policy("deadline", "* * * * *");
    p.getSpec().job = new dev.arca.api.v1alpha1.JobOverrides();
    p.getSpec().job.activeDeadlineSeconds = 600L;
    create(p);
    Job first = await("a backup Job", () -> jobs("deadline").stream().findFirst().orElse(null));
    assertThat(first.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
    MockCluster.finish(client, first, false, "arca was killed", "DeadlineExceeded");
    BackupPolicy failed =
        await(
            "LastBackupSucceeded=False",
            () ->
                "False".equals(condition(get("deadline"), "LastBackupSucceeded", false))
                    ? get("deadline")
                    : null);
    assertThat(condition(failed, "LastBackupSucceeded", true)).isEqualTo("DeadlineExceeded");
    assertThat(failed.getStatus().activeJob).isNull();
    clock.advance(Duration.ofMinutes(1));
    touch("deadline");
    await("the next run's Job", () -> jobs("deadline").size() == 2 ? true : null);
  }

  static String summary(String id, String mode) {
    return "{\"snapshotId\":\""
        + id
        + "\",\"mode\":\""
        + mode
        + "\",\"files\":1,\"bytes\":1,\"newBytes\":1,\"storedBytes\":1,\"unchangedFiles\":0}";
  }

  Job newestJob(String policy) {
    return jobs(policy).stream()
        .max(java.util.Comparator.comparing((Job j) -> j.getMetadata().getName()))
        .orElseThrow();
  }

  /**
   * Only a policy with initialize: IfMissing gives its backup Job --init-if-missing; a result
   * saying the Job created the repository becomes status and a RepositoryInitialized Event.
   */
  @Test
  void onlyIfMissingLetsTheBackupJobCreateTheRepositoryAndACreationIsReported() throws Exception {
    BackupPolicy fresh = policy("fresh", "* * * * *");
    fresh.getSpec().repository.url = "s3://bucket/fresh";
    fresh.getSpec().repository.initialize = RepositorySpec.Initialize.IfMissing;
    create(fresh);
    BackupPolicy never = policy("never", "* * * * *");
    never.getSpec().repository.initialize = RepositorySpec.Initialize.Never;
    create(never);
    create(policy("absent", "* * * * *"));
    Map<String, Job> jobs = new java.util.HashMap<>();
    for (String name : List.of("fresh", "never", "absent")) {
      jobs.put(name, await(name + "'s Job", () -> jobs(name).stream().findFirst().orElse(null)));
    }
    assertThat(command(jobs.get("fresh"))).contains("--init-if-missing");
    assertThat(command(jobs.get("never"))).doesNotContain("--init-if-missing");
    assertThat(command(jobs.get("absent"))).doesNotContain("--init-if-missing");

    String initialized =
        summary("cd".repeat(32), "full").replace("}", ",\"repositoryInitialized\":true}");
    finish(jobs.get("fresh"), true, initialized);
    finish(jobs.get("never"), true, summary("ef".repeat(32), "full"));
    BackupPolicy done =
        await(
            "fresh recorded",
            () -> get("fresh").getStatus().lastBackup == null ? null : get("fresh"));
    assertThat(done.getStatus().lastBackup.repositoryInitialized).isEqualTo("s3://bucket/fresh");
    assertThat(events("fresh"))
        .filteredOn(e -> "RepositoryInitialized".equals(e.getReason()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Normal");
              assertThat(e.getMessage()).startsWith("Repository initialised at s3://bucket/fresh");
            });
    await("never recorded", () -> get("never").getStatus().lastBackup);
    assertThat(get("never").getStatus().lastBackup.repositoryInitialized).isNull();
    assertThat(events("never"))
        .extracting(Event::getReason)
        .doesNotContain("RepositoryInitialized");
  }

  static List<String> command(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
  }

  @Test
  void fullEveryMakesEveryNthBackupAFullOne() throws Exception {
    BackupPolicy p = policy("every3", "* * * * *");
    p.getSpec().fullEvery = 3;
    create(p);
    List<Boolean> full = new java.util.ArrayList<>();
    for (int run = 0; run < 4; run++) {
      int n = run + 1;
      await("backup Job " + n, () -> jobs("every3").size() == n ? true : null);
      Job j = newestJob("every3");
      boolean isFull =
          j.getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .getCommand()
              .contains("--full");
      full.add(isFull);
      finish(j, true, summary(String.format("%064x", n), isFull ? "full" : "incremental"));
      await(
          "run " + n + " recorded",
          () -> get("every3").getStatus().activeJob == null ? true : null);
      clock.advance(Duration.ofMinutes(1));
      touch("every3");
    }
    // the first is full (no parent), then every third
    assertThat(full).containsExactly(true, false, false, true);
  }

  @Test
  void runNowStartsOneBackupOffScheduleAndIsAcknowledged() throws Exception {
    create(policy("manual", "0 0 1 1 *")); // not due for months
    Thread.sleep(500);
    assertThat(jobs("manual")).isEmpty();
    annotate("manual", Map.of(BackupPolicyReconciler.RUN_NOW, "ticket-4711"));
    Job job = await("the run-now Job", () -> jobs("manual").stream().findFirst().orElse(null));
    assertThat(job.getMetadata().getName()).startsWith("manual-backup-now-");
    assertThat(await("acknowledged", () -> get("manual").getStatus().lastRunNowRequest))
        .isEqualTo("ticket-4711");
    touch("manual"); // the same request value does not start a second run
    Thread.sleep(500);
    assertThat(jobs("manual")).hasSize(1);
  }

  @Test
  void aRunMissedByMoreThanTheStartingDeadlineIsSkipped() throws Exception {
    // hourly, at a minute half an hour away: nothing is due when the policy is created
    int minute = (clock.instant().atZone(java.time.ZoneOffset.UTC).getMinute() + 30) % 60;
    BackupPolicy p = policy("late", minute + " * * * *");
    p.getSpec().startingDeadlineSeconds = 60L;
    create(p);
    await("Ready=True", () -> "True".equals(condition(get("late"), "Ready", false)) ? true : null);
    // the operator "comes back" 40 minutes later: the run due 10 minutes ago is too late
    clock.advance(Duration.ofMinutes(40));
    touch("late");
    await(
        "a RunMissed event",
        () -> events("late").stream().anyMatch(e -> "RunMissed".equals(e.getReason())));
    assertThat(jobs("late")).isEmpty();
  }

  double policyGauge(String name, String policy) {
    var g = registry.find(name).tags("namespace", NS, "policy", policy).gauge();
    return g == null ? -1 : g.value();
  }

  @Test
  void aFailedJobIsReportedWithItsReasonAndTheCliError() throws Exception {
    create(policy("fails", "* * * * *"));
    Job job = await("a backup Job", () -> jobs("fails").stream().findFirst().orElse(null));
    finish(
        job,
        false,
        "{\"ok\":false,\"error\":\"S3 refused to write data/00 (AccessDenied): check the credentials\",\"exitCode\":1}");
    BackupPolicy failed =
        await(
            "LastBackupSucceeded=False",
            () ->
                "False".equals(condition(get("fails"), "LastBackupSucceeded", false))
                    ? get("fails")
                    : null);
    assertThat(condition(failed, "LastBackupSucceeded", true)).isEqualTo("BackupFailed");
    assertThat(failed.getStatus().lastFailure.message).contains("AccessDenied");
    assertThat(failed.getStatus().lastFailure.job).isEqualTo(job.getMetadata().getName());
    assertThat(events("fails")).extracting(Event::getType).contains("Warning");
    // what the chart's alerts read: the failure, and the interval a success is expected within
    await(
        "arca_backup_last_failed = 1", () -> policyGauge("arca_backup_last_failed", "fails") == 1);
    assertThat(policyGauge("arca_backup_interval_seconds", "fails")).isEqualTo(60);
  }

  /**
   * A backup that saved a snapshot without paths it could not read (the non-root Jobs on a folder
   * of another owner, found on the real node) fails the run naming them, not with the Job
   * controller's BackoffLimitExceeded.
   */
  @Test
  void aBackupWithUnreadablePathsFailsTheRunNamingThem() throws Exception {
    create(policy("unreadable", "* * * * *"));
    Job job = await("a backup Job", () -> jobs("unreadable").stream().findFirst().orElse(null));
    finish(
        job,
        false,
        "{\"schema\":1,\"snapshotId\":\"c81b641d2cecd9d259102ea4bbb70578\",\"parent\":null,"
            + "\"mode\":\"full\",\"files\":1,\"dirs\":1,\"bytes\":21,\"newBytes\":546,"
            + "\"storedBytes\":756,\"unchangedFiles\":0,\"skippedSpecial\":0,"
            + "\"changedWhileReading\":0,\"unreadable\":[\"data/secret: /data/data/secret\","
            + "\"data/a\",\"data/b\",\"data/c\",\"data/d\",\"data/e\",\"data/f\"],"
            + "\"durationMs\":531,\"repositoryInitialized\":false}");
    BackupPolicy failed =
        await(
            "LastBackupSucceeded=False",
            () ->
                "False".equals(condition(get("unreadable"), "LastBackupSucceeded", false))
                    ? get("unreadable")
                    : null);
    assertThat(condition(failed, "LastBackupSucceeded", true)).isEqualTo("BackupFailed");
    assertThat(failed.getStatus().lastFailure.message)
        .startsWith("7 path(s) could not be read and are not in snapshot c81b641d2cec: ")
        .contains("data/secret: /data/data/secret; data/a; data/b; data/c; data/d; and 2 more")
        .doesNotContain("BackoffLimitExceeded");
  }

  @Test
  void noSecondJobWhileOneIsActiveAndTheSkippedRunIsCounted() throws Exception {
    create(policy("busy", "* * * * *"));
    await("a backup Job", () -> jobs("busy").stream().findFirst().orElse(null));
    clock.advance(Duration.ofMinutes(1));
    touch("busy");
    BackupPolicy skipped =
        await(
            "a skipped run",
            () -> {
              BackupPolicy q = get("busy");
              return q.getStatus() != null && q.getStatus().skippedRuns != null ? q : null;
            });
    assertThat(skipped.getStatus().skippedRuns).isEqualTo(1);
    assertThat(jobs("busy")).hasSize(1);
  }

  @Test
  void invalidSpecsAreReportedOnReadyAndLaunchNothing() throws Exception {
    BackupPolicy badCron = policy("bad-cron", "every night");
    create(badCron);
    BackupPolicy noPvc = policy("no-pvc", "* * * * *");
    noPvc.getSpec().sources.get(0).pvc = "missing";
    create(noPvc);
    BackupPolicy noSecret = policy("no-secret", "* * * * *");
    noSecret.getSpec().repository.passwordSecretRef = new SecretKeyRef("absent", "password");
    create(noSecret);
    BackupPolicy badZone = policy("bad-zone", "@daily");
    badZone.getSpec().timeZone = "Mars/Olympus";
    create(badZone);
    // the Jobs run as root by default: a policy may make them another user, not unconfined
    BackupPolicy unconfined = policy("unconfined", "* * * * *");
    unconfined.getSpec().job = new dev.arca.api.v1alpha1.JobOverrides();
    unconfined.getSpec().job.podSecurityContext =
        new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
            .withRunAsUser(1000L)
            .withNewSeccompProfile()
            .withType("Unconfined")
            .endSeccompProfile()
            .build();
    create(unconfined);
    // one Job judges every volume's checkpoints: one completion rule per policy
    MockCluster.pvc(client, NS, "runs");
    BackupPolicy twoRules = policy("two-rules", "* * * * *");
    BackupPolicySpec.Source runs = new BackupPolicySpec.Source();
    runs.pvc = "runs";
    twoRules.getSpec().sources = List.of(twoRules.getSpec().sources.get(0), runs);
    twoRules.getSpec().sources.get(0).checkpoints = checkpoints("DONE", "checkpoint-*");
    runs.checkpoints = checkpoints(null, "global_step*");
    create(twoRules);
    Map<String, String> expected =
        Map.of(
            "bad-cron",
            "InvalidSchedule",
            "no-pvc",
            "MissingPVC",
            "no-secret",
            "MissingSecret",
            "bad-zone",
            "InvalidSchedule",
            "unconfined",
            "SecurityContextRefused",
            "two-rules",
            "InvalidSpec");
    for (var e : expected.entrySet()) {
      BackupPolicy p =
          await(
              "Ready=False on " + e.getKey(),
              () ->
                  "False".equals(condition(get(e.getKey()), "Ready", false))
                      ? get(e.getKey())
                      : null);
      assertThat(condition(p, "Ready", true)).isEqualTo(e.getValue());
      assertThat(events(e.getKey())).extracting(Event::getType).contains("Warning");
    }
    assertThat(readyMessage(get("no-pvc"))).contains("spec.sources[0].pvc").contains("'missing'");
    assertThat(readyMessage(get("no-secret")))
        .contains("spec.repository.passwordSecretRef.name")
        .contains("'absent'");
    assertThat(readyMessage(get("bad-zone"))).contains("timeZone").contains("Mars/Olympus");
    assertThat(readyMessage(get("unconfined")))
        .startsWith("spec.job.podSecurityContext.seccompProfile: the Jobs' profile is");
    assertThat(readyMessage(get("two-rules")))
        .startsWith("spec.sources[1].checkpoints.complete: 'auto' differs from 'DONE'");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  static CheckpointSource checkpoints(String complete, String... paths) {
    CheckpointSource c = new CheckpointSource();
    c.paths = List.of(paths);
    c.complete = complete;
    return c;
  }

  @Test
  void checkpointFoldersReachTheJobAndWhatItLeftOutReachesStatusSnapshotAndAnEvent()
      throws Exception {
    BackupPolicy p = policy("trainer", "* * * * *");
    p.getSpec().sources.get(0).checkpoints = checkpoints(null, "runs/*/checkpoint-*", "**/step-*");
    create(p);
    Job job = await("a backup Job", () -> jobs("trainer").stream().findFirst().orElse(null));
    List<String> cmd = job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
    assertThat(cmd)
        .containsSubsequence("--checkpoints", "models/runs/*/checkpoint-*")
        .containsSubsequence("--checkpoints", "models/step-*")
        .containsSubsequence("--checkpoints", "models/**/step-*")
        .doesNotContain("--checkpoint-complete"); // auto, the CLI's default
    String reason = "no completion marker of a known writer";
    finish(
        job,
        true,
        "{\"snapshotId\":\""
            + "cd".repeat(32)
            + "\",\"mode\":\"full\",\"files\":3,\"bytes\":30,\"newBytes\":30,"
            + "\"checkpoints\":[{\"path\":\"models/runs/a/checkpoint-300\",\"step\":300},"
            + "{\"path\":\"models/runs/a/checkpoint-100\",\"step\":100}],"
            + "\"checkpointsSkipped\":[{\"path\":\"models/runs/a/checkpoint-400\","
            + "\"reason\":\""
            + reason
            + "\"}]}");
    BackupPolicy done = succeeded("trainer");
    assertThat(done.getStatus().lastBackup.checkpoints).isEqualTo(2);
    assertThat(done.getStatus().lastBackup.checkpointsSkipped)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.path).isEqualTo("models/runs/a/checkpoint-400");
              assertThat(s.reason).isEqualTo(reason);
            });
    Snapshot snap = MockCluster.lastSnapshot(client, done);
    assertThat(snap.getSpec().checkpointCount).isEqualTo(2);
    assertThat(snap.getSpec().checkpoints)
        .extracting(c -> c.path + "@" + c.step)
        .containsExactly("models/runs/a/checkpoint-100@100", "models/runs/a/checkpoint-300@300");
    assertThat(events("trainer"))
        .filteredOn(e -> "CheckpointsSkipped".equals(e.getReason()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage())
                  .startsWith("1 checkpoint folder(s) left out of snapshot cdcdcdcdcdcd")
                  .contains("models/runs/a/checkpoint-400 (" + reason + ")");
            });
  }

  @Test
  void aSuspendedPolicyStartsNothing() throws Exception {
    BackupPolicy p = policy("paused", "* * * * *");
    p.getSpec().suspend = true;
    create(p);
    await(
        "Ready=True", () -> "True".equals(condition(get("paused"), "Ready", false)) ? true : null);
    Thread.sleep(500);
    assertThat(jobs("paused")).isEmpty();
    assertThat(get("paused").getStatus().nextScheduleTime).isNull();
    // settled: the operator's own status patches do not make it reconcile again and again
    String version = get("paused").getMetadata().getResourceVersion();
    Thread.sleep(1500);
    assertThat(get("paused").getMetadata().getResourceVersion()).isEqualTo(version);
  }

  static io.fabric8.kubernetes.api.model.Condition conditionOf(BackupPolicy p, String type) {
    return p.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  static String readyMessage(BackupPolicy p) {
    return p.getStatus().conditions.stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .orElseThrow()
        .getMessage();
  }

  List<Event> events(String policy) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> policy.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
