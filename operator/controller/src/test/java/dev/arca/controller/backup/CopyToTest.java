package dev.arca.controller.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.BackupPolicyStatus;
import dev.arca.api.v1alpha1.GcsSpec;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.contract.CopyReport;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import dev.arca.samples.ManualClock;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * spec.copyTo: after a good backup (and its retention) the copy Job reaches the target through
 * ARCA_TO_ variables and its own mounted key, its report becomes the target's status entry and an
 * Event, the target's retention follows, and a copy that meets damage says which paths.
 */
@EnableKubernetesMockClient(crud = true)
class CopyToTest {
  static final String NS = "llm";
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    secret("pw-offsite", "password");
    secret("gcs-key", "key.json");
    ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofMinutes(2)));
    operator =
        MockCluster.start(
            client,
            new BackupPolicyReconciler(
                OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test")),
                clock,
                new dev.arca.controller.metrics.ArcaMetrics(
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry())));
  }

  @AfterEach
  void tearDown() throws Exception {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  private void secret(String name, String key) {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .addToStringData(key, "not read by the operator")
                .build())
        .create();
  }

  static BackupPolicy policy(String name, String schedule, String copySchedule) {
    BackupPolicy p = BackupPolicyReconcilerTest.policy(name, schedule);
    p.getSpec().retention = new BackupPolicySpec.RetentionSpec();
    p.getSpec().retention.keepLast = 3;
    BackupPolicySpec.CopyTarget t = new BackupPolicySpec.CopyTarget();
    t.name = "offsite";
    t.schedule = copySchedule;
    t.repository = new RepositorySpec();
    t.repository.url = "gs://offsite-bucket/models";
    t.repository.passwordSecretRef = new SecretKeyRef("pw-offsite", "password");
    t.repository.gcs = new GcsSpec();
    t.repository.gcs.keySecretRef = new SecretKeyRef("gcs-key", "key.json");
    t.repository.initialize = RepositorySpec.Initialize.IfMissing;
    t.retention = new BackupPolicySpec.RetentionSpec();
    t.retention.keepDaily = 30;
    p.getSpec().copyTo = List.of(t);
    return p;
  }

  BackupPolicy get(String name) {
    return client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get();
  }

  Job job(String policy, String run, String target) throws InterruptedException {
    return MockCluster.await(
        run + " Job" + (target == null ? "" : " of " + target),
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
                .filter(j -> run.equals(j.getMetadata().getLabels().get("arca.dev/run")))
                .filter(
                    j ->
                        target == null
                            ? !j.getMetadata().getLabels().containsKey("arca.dev/copy-target")
                            : target.equals(
                                j.getMetadata().getLabels().get("arca.dev/copy-target")))
                .filter(
                    j ->
                        j.getStatus() == null
                            || j.getStatus().getConditions() == null
                            || j.getStatus().getConditions().isEmpty())
                .findFirst()
                .orElse(null));
  }

  static Map<String, EnvVar> env(Job j) {
    Container c = j.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, EnvVar> out = new java.util.HashMap<>();
    c.getEnv().forEach(e -> out.put(e.getName(), e));
    return out;
  }

  List<Event> events(String policy) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> policy.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  static String report(String outcome, List<String> damaged) throws Exception {
    CopyReport r =
        new CopyReport(
            "s3://bucket/models",
            "gs://offsite-bucket/models",
            List.of(
                new CopyReport.Copied(
                    "ef".repeat(32),
                    outcome.equals(CopyReport.FAILED) ? null : "12".repeat(32),
                    outcome,
                    "2026-12-07T01:00:00Z",
                    NS + "/p",
                    List.of("/data/models"),
                    3,
                    300,
                    3,
                    300,
                    300,
                    200,
                    damaged)),
            Map.of(),
            1000);
    return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r);
  }

  @Test
  void aGoodBackupIsCopiedThroughTheTargetsOwnVariablesAndTheTargetsRetentionFollows()
      throws Exception {
    client
        .resources(BackupPolicy.class)
        .inNamespace(NS)
        .resource(policy("p", "* * * * *", null))
        .create();
    Job backup = job("p", "backup", null);
    MockCluster.finish(
        client,
        backup,
        true,
        "{\"snapshotId\":\""
            + "ef".repeat(32)
            + "\",\"mode\":\"full\",\"files\":3,\"bytes\":300,\"newBytes\":300,\"storedBytes\":200,\"unchangedFiles\":0}");
    Job forget = job("p", "forget", null);
    assertThat(env(forget).get("ARCA_REPO").getValue()).isEqualTo("s3://bucket/models");
    MockCluster.finish(client, forget, true, "{\"dryRun\":false,\"kept\":[],\"removed\":[]}");

    Job copy = job("p", "copy", "offsite");
    String uid = get("p").getMetadata().getUid();
    Container c = copy.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getCommand())
        .containsExactly(
            "arca",
            "copy",
            "--json",
            "--init",
            "--host",
            NS + "/p",
            "--tag",
            "arca.dev/policy=p",
            "--tag",
            "arca.dev/policy-uid=" + uid);
    Map<String, EnvVar> env = env(copy);
    assertThat(env.get("ARCA_REPO").getValue()).isEqualTo("s3://bucket/models");
    assertThat(env.get("ARCA_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("pw");
    assertThat(env.get("ARCA_TO_REPO").getValue()).isEqualTo("gs://offsite-bucket/models");
    assertThat(env.get("ARCA_TO_PASSWORD").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("pw-offsite");
    assertThat(env.get("ARCA_TO_GOOGLE_APPLICATION_CREDENTIALS").getValue())
        .isEqualTo("/etc/arca/to/gcs/key.json");
    assertThat(env).doesNotContainKey("GOOGLE_APPLICATION_CREDENTIALS");
    assertThat(c.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("arca-to-gcs-key");
              assertThat(m.getMountPath()).isEqualTo("/etc/arca/to/gcs");
            });
    assertThat(copy.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getName() + ":" + v.getSecret().getSecretName())
        .containsExactly("arca-to-gcs-key:gcs-key");

    MockCluster.finish(client, copy, true, report(CopyReport.COPIED, List.of()));
    BackupPolicyStatus.CopyStatus s =
        MockCluster.await(
            "the copy in status",
            () -> {
              BackupPolicy got = get("p");
              return got.getStatus().copies != null && got.getStatus().copies.get(0).ok != null
                  ? got.getStatus().copies.get(0)
                  : null;
            });
    assertThat(s.name).isEqualTo("offsite");
    assertThat(s.ok).isTrue();
    assertThat(s.copied).isEqualTo(1);
    assertThat(s.latestSnapshotId).isEqualTo("ef".repeat(32));
    assertThat(s.latestCopyId).isEqualTo("12".repeat(32));
    assertThat(s.lastJob).isEqualTo(copy.getMetadata().getName());

    Job targetForget = job("p", "forget", "offsite");
    assertThat(targetForget.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .contains("--keep-daily", "30")
        .doesNotContain("--keep-last");
    assertThat(env(targetForget).get("ARCA_REPO").getValue())
        .isEqualTo("gs://offsite-bucket/models");
    assertThat(env(targetForget).get("GOOGLE_APPLICATION_CREDENTIALS").getValue())
        .isEqualTo("/etc/arca/gcs/key.json");
    MockCluster.finish(
        client,
        targetForget,
        true,
        "{\"dryRun\":false,\"kept\":[],\"removed\":[{\"id\":\"" + "ef".repeat(32) + "\"}]}");
    MockCluster.await(
        "the target's retention Event",
        () ->
            events("p").stream()
                    .anyMatch(
                        e ->
                            "RetentionApplied".equals(e.getReason())
                                && e.getMessage().contains("copyTo target offsite"))
                ? true
                : null);
    // the source's Snapshot object stays: the target forgot its copy, not the snapshot
    assertThat(client.resources(Snapshot.class).inNamespace(NS).list().getItems())
        .extracting(x -> x.getSpec().snapshotId)
        .contains("ef".repeat(32));
    assertThat(events("p")).extracting(Event::getReason).contains("CopyStarted", "CopySucceeded");
  }

  /**
   * A copy report too long for the termination message, whose pod log is gone: the copy's status
   * says so instead of failing the reconcile, and a copy that succeeded still lets the target's
   * retention follow.
   */
  @Test
  void aCopyWhoseCompleteReportIsGoneIsRecordedAsSuch() throws Exception {
    client
        .resources(BackupPolicy.class)
        .inNamespace(NS)
        .resource(policy("r", "0 0 1 1 *", "* * * * *"))
        .create();
    Job copy = job("r", "copy", "offsite");
    String whole =
        report(CopyReport.COPIED, List.of())
            .replace("[\"/data/models\"]", "[\"" + "x".repeat(8000) + "\"]");
    MockCluster.finish(client, copy, true, dev.arca.contract.Reports.summary(whole));
    BackupPolicyStatus.CopyStatus s =
        MockCluster.await(
            "the copy in status",
            () -> {
              BackupPolicy got = get("r");
              return got.getStatus().copies != null && got.getStatus().copies.get(0).ok != null
                  ? got.getStatus().copies.get(0)
                  : null;
            });
    assertThat(s.ok).isTrue();
    assertThat(s.message).contains("complete report is no longer in its pod's log");
    job("r", "forget", "offsite");
  }

  @Test
  void aScheduledCopyThatMeetsDamageNamesThePathsInStatusAndAWarning() throws Exception {
    client
        .resources(BackupPolicy.class)
        .inNamespace(NS)
        .resource(policy("q", "0 0 1 1 *", "* * * * *"))
        .create();
    Job copy = job("q", "copy", "offsite");
    MockCluster.finish(
        client,
        copy,
        false,
        report(CopyReport.FAILED, List.of("data/models/shard-3.safetensors: chunk x is missing")));
    BackupPolicyStatus.CopyStatus s =
        MockCluster.await(
            "the failed copy in status",
            () -> {
              BackupPolicy got = get("q");
              return got.getStatus().copies != null
                      && Boolean.FALSE.equals(got.getStatus().copies.get(0).ok)
                  ? got.getStatus().copies.get(0)
                  : null;
            });
    assertThat(s.message).contains("source is damaged").contains("shard-3.safetensors");
    assertThat(s.retentionDue).isNull();
    assertThat(events("q"))
        .filteredOn(e -> "CopyFailed".equals(e.getReason()))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("shard-3.safetensors"));
  }
}
