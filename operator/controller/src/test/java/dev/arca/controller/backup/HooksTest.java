package dev.arca.controller.backup;

import static dev.arca.controller.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.Hook;
import dev.arca.contract.HooksReport;
import dev.arca.contract.Reports;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.jobs.HookJobs;
import dev.arca.controller.jobs.SnapshotCopies;
import dev.arca.controller.metrics.ArcaMetrics;
import dev.arca.samples.ManualClock;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hooks on the mock API server, playing the Job controller and the hook Jobs' reports: the before
 * hooks run first (in every ready pod of the selector), the backup only once they ended well, the
 * after hooks when the backup ended, or with copyMethod Snapshot as soon as the snapshots are cut
 * (before they are even ready, and before the backup Job); a failed before hook fails the run, no
 * backup is taken, and the after hooks still run; the status keeps every result and the pause.
 */
@EnableKubernetesMockClient(crud = true)
class HooksTest {
  static final String NS = BackupPolicyReconcilerTest.NS;
  KubernetesClient client;
  KubernetesMockServer server;
  Operator operator;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    trainer("trainer-1");
    trainer("trainer-0");
    operator =
        MockCluster.start(
            client,
            new BackupPolicyReconciler(
                OperatorConfig.fromEnv(
                    Map.of("ARCA_ENGINE_IMAGE", "arca:test", "ARCA_DUMP_NAMESPACES", NS)),
                new ManualClock(Instant.now().plus(Duration.ofMinutes(2))),
                new ArcaMetrics(new SimpleMeterRegistry())));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  @Test
  void beforeHooksThenTheBackupThenAfterHooksWithEveryResultAndThePause() throws Exception {
    create(policy("train", false));
    String job = await("the run waiting for its before hooks", () -> phase("Before")).backupJob;
    Job before = job(HookJobs.name(job, "before"));
    List<String> cmd = command(before);
    assertThat(cmd).containsSequence("arca", "hooks", "--json", "-n", NS, "--phase", "before");
    assertThat(cmd.get(cmd.indexOf("--hook") + 1))
        .contains("\"name\":\"pause-trainer\"")
        .contains("\"pods\":[\"trainer-0\",\"trainer-1\"]")
        .contains("\"timeoutSeconds\":30")
        .contains("\"failsRun\":true");
    assertThat(before.getSpec().getTemplate().getSpec().getVolumes())
        .as("no data volume, no repository")
        .allMatch(v -> v.getPersistentVolumeClaim() == null && v.getSecret() == null);
    var resources = before.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
    assertThat(resources.getRequests().get("cpu").toString())
        .as("a hook Job must fit beside the backup's")
        .isEqualTo("100m");
    assertThat(resources.getLimits().get("memory").toString()).isEqualTo("384Mi");
    assertThat(
            client
                .rbac()
                .roles()
                .inNamespace(NS)
                .withName(HookJobs.name(job, "before") + "-exec")
                .get()
                .getRules()
                .get(0)
                .getResourceNames())
        .containsExactly("trainer-0", "trainer-1");
    Thread.sleep(1500);
    assertThat(backupJobs()).as("no backup before the before hooks ended").isEmpty();

    finish(before, report("before", false, "2026-12-06T10:00:00Z", "2026-12-06T10:00:02Z", 0));
    Job backup = await("the backup Job", () -> backupJobs().stream().findFirst().orElse(null));
    assertThat(backup.getMetadata().getName()).isEqualTo(job);
    assertThat(jobOrNull(HookJobs.name(job, "after"))).as("no after hooks while it runs").isNull();

    MockCluster.finish(
        client, backup, true, BackupPolicyReconcilerTest.summary("ab".repeat(32), "full"));
    Job after = job(HookJobs.name(job, "after"));
    assertThat(command(after)).contains("after").anyMatch(a -> a.contains("resume-trainer"));
    finish(after, report("after", false, "2026-12-06T10:05:00Z", "2026-12-06T10:05:01Z", 0));
    BackupPolicyStatus.HookRun done = await("the hooks done", () -> phase("Done"));
    assertThat(done.results)
        .extracting(r -> r.phase + " " + r.name + " " + r.pod + " " + r.exitCode)
        .containsExactly(
            "before pause-trainer trainer-0 0",
            "before pause-trainer trainer-1 0",
            "after resume-trainer trainer-0 0",
            "after resume-trainer trainer-1 0");
    assertThat(done.pausedMs).isEqualTo(Duration.ofSeconds(298).toMillis());
    assertThat(policy().getStatus().lastBackup.snapshotId).isEqualTo("ab".repeat(32));
    assertThat(events("HooksSucceeded")).hasSize(2);
  }

  @Test
  void aFailedBeforeHookFailsTheRunTakesNoBackupAndStillRunsTheAfterHooks() throws Exception {
    create(policy("train", false));
    String job = await("the run waiting for its before hooks", () -> phase("Before")).backupJob;
    finish(
        job(HookJobs.name(job, "before")),
        report("before", true, "2026-12-06T10:00:00Z", "2026-12-06T10:00:02Z", 3));
    Job after = job(HookJobs.name(job, "after"));
    // the Job is created in the reconcile whose status write follows it
    BackupPolicy p =
        await("the run failed", () -> policy().getStatus().lastFailure != null ? policy() : null);
    assertThat(p.getStatus().lastFailure.reason).isEqualTo("HookFailed");
    assertThat(p.getStatus().lastFailure.message)
        .contains("backup Job " + job + " not started")
        .contains("pause-trainer in trainer-0: exit code 3");
    assertThat(p.getStatus().activeJob).isNull();
    assertThat(backupJobs()).isEmpty();
    assertThat(events("HookFailed")).singleElement().asString().contains("exit code 3");
    finish(after, report("after", false, "2026-12-06T10:00:03Z", "2026-12-06T10:00:04Z", 0));
    await("the hooks done", () -> phase("Done"));
    assertThat(backupJobs()).isEmpty();
  }

  /**
   * A garbled report (times that are not times, an output far longer than the CLI keeps, as a
   * report edited in the pod's log would be): the hooks still end, the status keeps only the
   * output's end, and the pause is measured from what the operator saw.
   */
  @Test
  void aGarbledReportEndsTheHooksWithBoundedOutput() throws Exception {
    create(policy("train", false));
    String job = await("the run waiting for its before hooks", () -> phase("Before")).backupJob;
    String garbled =
        Reports.json(
            new HooksReport(
                "before",
                false,
                "yesterday",
                "not a time",
                List.of(
                    new HooksReport.Hook(
                        "pause-trainer",
                        "trainer-0",
                        0,
                        false,
                        null,
                        "soon",
                        1,
                        "x".repeat(5000) + "end",
                        true))));
    finish(job(HookJobs.name(job, "before")), garbled);
    Job backup = await("the backup Job", () -> backupJobs().stream().findFirst().orElse(null));
    MockCluster.finish(
        client, backup, true, BackupPolicyReconcilerTest.summary("ab".repeat(32), "full"));
    finish(job(HookJobs.name(job, "after")), garbled.replace("\"before\"", "\"after\""));
    BackupPolicyStatus.HookRun done = await("the hooks done", () -> phase("Done"));
    assertThat(done.results.get(0).output).hasSize(HooksReport.Hook.OUTPUT_KEPT).endsWith("end");
    assertThat(done.pausedMs).isNotNull();
  }

  @Test
  void withSnapshotsTheAfterHooksStartOnceTheSnapshotsAreCutBeforeTheCopy() throws Exception {
    SnapshotCopyTest.volumeSnapshotApi(client);
    create(policy("train", true));
    String job = await("the run waiting for its before hooks", () -> phase("Before")).backupJob;
    finish(
        job(HookJobs.name(job, "before")),
        report("before", false, "2026-12-06T10:00:00Z", "2026-12-06T10:00:02Z", 0));
    String snap = SnapshotCopies.name(job, "models");
    await(
        "the VolumeSnapshot",
        () ->
            client
                .genericKubernetesResources(SnapshotCopies.VOLUME_SNAPSHOTS)
                .inNamespace(NS)
                .withName(snap)
                .get());
    assertThat(jobOrNull(HookJobs.name(job, "after")))
        .as("not before the snapshot is cut")
        .isNull();
    SnapshotCopyTest.setStatus(
        client, snap, Map.of("creationTime", "2026-12-06T10:00:03Z", "readyToUse", false));
    job(HookJobs.name(job, "after"));
    assertThat(backupJobs()).as("the snapshot is cut but not ready: no copy yet").isEmpty();
    SnapshotCopyTest.setStatus(
        client, snap, Map.of("creationTime", "2026-12-06T10:00:03Z", "readyToUse", true));
    await("the backup Job", () -> backupJobs().stream().findFirst().orElse(null));
  }

  @Test
  void hooksWhereJobsMayNotExecLeaveThePolicyNotReady() throws Exception {
    operator.stop();
    operator =
        MockCluster.start(
            client,
            new BackupPolicyReconciler(
                OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test")),
                new ManualClock(Instant.now()),
                new ArcaMetrics(new SimpleMeterRegistry())));
    create(policy("train", false));
    BackupPolicy p =
        await(
            "Ready=False",
            () -> {
              BackupPolicy x = policy();
              return x.getStatus() != null
                      && x.getStatus().conditions.stream()
                          .anyMatch(
                              c -> "Ready".equals(c.getType()) && "False".equals(c.getStatus()))
                  ? x
                  : null;
            });
    assertThat(p.getStatus().conditions)
        .anyMatch(
            c ->
                "DumpsDisabled".equals(c.getReason())
                    && c.getMessage()
                        .contains("spec.hooks: this Arca installation does not run hooks"));
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  // --- helpers

  private static BackupPolicy policy(String name, boolean snapshot) {
    BackupPolicy p = BackupPolicyReconcilerTest.policy(name, "* * * * *");
    if (snapshot) {
      p.getSpec().sources.get(0).copyMethod = BackupPolicySpec.CopyMethod.Snapshot;
    }
    p.getSpec().hooks = new BackupPolicySpec.HooksSpec();
    p.getSpec().hooks.before = List.of(hook("pause-trainer", "touch /ckpt/.pause"));
    p.getSpec().hooks.after = List.of(hook("resume-trainer", "rm -f /ckpt/.pause"));
    return p;
  }

  private static Hook hook(String name, String script) {
    Hook h = new Hook();
    h.name = name;
    h.podSelector = Map.of("app", "trainer");
    h.container = "trainer";
    h.command = List.of("sh", "-c", script);
    h.timeoutSeconds = 30;
    return h;
  }

  /** The report of a phase's hooks in trainer-0 and trainer-1; trainer-0 exits {@code exit}. */
  private static String report(String phase, boolean failed, String start, String end, int exit) {
    String name = phase.equals("before") ? "pause-trainer" : "resume-trainer";
    List<HooksReport.Hook> hooks = new ArrayList<>();
    hooks.add(
        new HooksReport.Hook(
            name,
            "trainer-0",
            exit,
            false,
            exit == 0 ? null : "exit code " + exit,
            start,
            900,
            "",
            true));
    if (!failed) {
      hooks.add(new HooksReport.Hook(name, "trainer-1", 0, false, null, start, 800, "ok\n", true));
    }
    return Reports.json(new HooksReport(phase, failed, start, end, hooks));
  }

  private void trainer(String name) {
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .addToLabels("app", "trainer")
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  private void create(BackupPolicy p) {
    client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
  }

  private BackupPolicy policy() {
    return client.resources(BackupPolicy.class).inNamespace(NS).withName("train").get();
  }

  private BackupPolicyStatus.HookRun phase(String phase) {
    BackupPolicy p = policy();
    return p.getStatus() != null
            && p.getStatus().hooks != null
            && phase.equals(p.getStatus().hooks.phase)
        ? p.getStatus().hooks
        : null;
  }

  private void finish(Job job, String report) {
    MockCluster.finish(client, job, true, report);
  }

  private Job job(String name) throws InterruptedException {
    return await("Job " + name, () -> jobOrNull(name));
  }

  private Job jobOrNull(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private List<Job> backupJobs() {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel("arca.dev/run", "backup")
        .list()
        .getItems();
  }

  private static List<String> command(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
  }

  private List<String> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(e -> e.getMessage())
        .toList();
  }
}
