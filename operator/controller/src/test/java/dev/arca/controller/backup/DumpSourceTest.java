package dev.arca.controller.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.DumpSource;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.ResourceProbe;
import dev.arca.samples.ManualClock;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A BackupPolicy with a database dump source: its backup Job streams the dump through {@code arca
 * pod-exec} under a ServiceAccount the operator binds to the exec ClusterRole in the policy's
 * namespace only; bad dump sources are reported, and refused where the chart turned dumps off.
 */
@EnableKubernetesMockClient(crud = true)
class DumpSourceTest {
  static final String NS = BackupPolicyReconcilerTest.NS;
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    operator =
        MockCluster.start(
            client,
            new BackupPolicyReconciler(
                OperatorConfig.fromEnv(
                    Map.of("ARCA_ENGINE_IMAGE", "arca:test", "ARCA_DUMP_NAMESPACES", NS)),
                new ManualClock(Instant.now().plus(Duration.ofMinutes(2))),
                new dev.arca.controller.metrics.ArcaMetrics(
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry())));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  static BackupPolicy withDump(String name, String path) {
    BackupPolicy p = BackupPolicyReconcilerTest.policy(name, "* * * * *");
    BackupPolicySpec.Source dump = new BackupPolicySpec.Source();
    dump.dump = new DumpSource();
    dump.dump.path = path;
    dump.dump.pod = "postgres-0";
    dump.dump.container = "db";
    dump.dump.command = List.of("pg_dump", "-U", "app", "--clean", "it's");
    p.getSpec().sources = new ArrayList<>(p.getSpec().sources);
    p.getSpec().sources.add(dump);
    return p;
  }

  @Test
  void theBackupJobStreamsTheDumpUnderItsOwnExecAccount() throws Exception {
    BackupPolicy p =
        client
            .resources(BackupPolicy.class)
            .inNamespace(NS)
            .resource(withDump("app", "db/app.sql"))
            .create();
    Job job =
        MockCluster.await(
            "a backup Job",
            () ->
                client
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(NS)
                    .withLabel("arca.dev/policy", "app")
                    .list()
                    .getItems()
                    .stream()
                    .findFirst()
                    .orElse(null));
    List<String> cmd = job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
    int at = cmd.indexOf("--stream");
    assertThat(cmd.get(at + 1))
        .isEqualTo(
            "db/app.sql=arca pod-exec -n llm --pod postgres-0 --container db -- pg_dump -U app"
                + " --clean 'it'\\''s'");
    assertThat(cmd).contains("/data/models");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("app-dump-exec");
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getVolumes()).noneMatch(v -> v.getName().contains("db"));

    ServiceAccount sa = client.serviceAccounts().inNamespace(NS).withName("app-dump-exec").get();
    assertThat(sa.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(p.getMetadata().getUid()));
    // exec on the database pod alone, for this run alone
    String grant = dev.arca.controller.jobs.ExecAccess.grantName(job.getMetadata().getName());
    io.fabric8.kubernetes.api.model.rbac.Role role =
        client.rbac().roles().inNamespace(NS).withName(grant).get();
    assertThat(role.getRules())
        .extracting(r -> r.getResources() + " " + r.getVerbs() + " " + r.getResourceNames())
        .containsExactly("[pods] [get] [postgres-0]", "[pods/exec] [get, create] [postgres-0]");
    RoleBinding rb = client.rbac().roleBindings().inNamespace(NS).withName(grant).get();
    assertThat(rb.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(rb.getRoleRef().getName()).isEqualTo(grant);
    assertThat(rb.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo("app-dump-exec");
              assertThat(s.getNamespace()).isEqualTo(NS);
            });

    // the run ends: the right goes with it
    MockCluster.finish(
        client,
        job,
        true,
        "{\"snapshotId\":\""
            + "ab".repeat(32)
            + "\",\"mode\":\"full\",\"files\":1,\"bytes\":1,\"newBytes\":1,\"storedBytes\":1,\"unchangedFiles\":0}");
    MockCluster.await(
        "the exec grant revoked",
        () ->
            client.rbac().roles().inNamespace(NS).withName(grant).get() == null
                    && client.rbac().roleBindings().inNamespace(NS).withName(grant).get() == null
                ? true
                : null);
  }

  @Test
  void aDumpInThePvcsFolderIsReportedAndNothingStarts() throws Exception {
    client
        .resources(BackupPolicy.class)
        .inNamespace(NS)
        .resource(withDump("mixed", "models/app.sql"))
        .create();
    BackupPolicy p =
        MockCluster.await(
            "Ready=False",
            () -> {
              BackupPolicy x =
                  client.resources(BackupPolicy.class).inNamespace(NS).withName("mixed").get();
              return "False".equals(BackupPolicyReconcilerTest.condition(x, "Ready", false))
                  ? x
                  : null;
            });
    assertThat(BackupPolicyReconcilerTest.condition(p, "Ready", true)).isEqualTo("InvalidSpec");
    assertThat(p.getStatus().conditions.toString())
        .contains("spec.sources[1].dump.path", "'models'");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.serviceAccounts().inNamespace(NS).withName("mixed-dump-exec").get()).isNull();
  }

  @Test
  void whereTheChartTurnedDumpsOffADumpSourceIsRefused() {
    PolicyValidator off =
        new PolicyValidator(new ResourceProbe(client, true), OperatorConfig.fromEnv(Map.of()));
    var problem =
        off.validate(withDump("off", "db/app.sql"), java.time.Instant.now()).orElseThrow();
    assertThat(problem.reason()).isEqualTo("DumpsDisabled");
    assertThat(problem.message()).contains("spec.sources[1].dump", "rbac.dumpNamespaces");
    PolicyValidator on =
        new PolicyValidator(
            new ResourceProbe(client, true),
            OperatorConfig.fromEnv(Map.of("ARCA_DUMP_NAMESPACES", NS)));
    assertThat(on.validate(withDump("on", "db/app.sql"), java.time.Instant.now())).isEmpty();
    assertThat(
            on.validate(withDump("flat", "app.sql"), java.time.Instant.now())
                .orElseThrow()
                .message())
        .contains("must be FOLDER/FILE");
  }
}
