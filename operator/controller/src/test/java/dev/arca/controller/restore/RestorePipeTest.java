package dev.arca.controller.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.PipeTarget;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestStatus;
import dev.arca.api.v1alpha1.Snapshot;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A RestoreRequest that pipes a dump into a command in the database's pod: its Job runs arca
 * restore --pipe through arca pod-exec --stdin under its own exec account, and mounts no volume; a
 * dump the snapshot does not hold is reported.
 */
@EnableKubernetesMockClient(crud = true)
class RestorePipeTest {
  static final String NS = RestoreRequestReconcilerTest.NS;
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;
  final RestoreRequestReconcilerTest base = new RestoreRequestReconcilerTest();

  @BeforeEach
  void setUp() throws Exception {
    base.client = client;
    MockCluster.installCrds(client);
    RestoreRequestReconcilerTest.createPolicy(client);
    // two database pods: the ready one first by name is the pipe's (postgres-0 is not ready)
    databasePod("postgres-0", false);
    databasePod("postgres-1", true);
    base.snapshot(
        "models-new", "bb".repeat(32), "2026-11-25T02:30:00Z", List.of("models"), 1L << 30);
    Snapshot s = client.resources(Snapshot.class).inNamespace(NS).withName("models-new").get();
    s.getSpec().dumps = List.of("db/app.sql");
    client.resources(Snapshot.class).inNamespace(NS).resource(s).update();
    operator =
        MockCluster.start(
            client,
            new RestoreRequestReconciler(
                OperatorConfig.fromEnv(Map.of("ARCA_DUMP_NAMESPACES", NS)),
                Clock.systemUTC(),
                new dev.arca.controller.metrics.ArcaMetrics(
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry())));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  void create(RestoreRequest r) {
    base.create(r);
  }

  RestoreRequest get(String name) {
    return base.get(name);
  }

  Job job(String request) throws InterruptedException {
    return base.job(request);
  }

  static <T> T await(String what, java.util.function.Supplier<T> probe)
      throws InterruptedException {
    return MockCluster.await(what, probe);
  }

  RestoreRequest pipe(String name, String path) {
    RestoreRequest r = base.request(name);
    r.getSpec().target = null;
    r.getSpec().pipe = new PipeTarget();
    r.getSpec().pipe.path = path;
    r.getSpec().pipe.podSelector = Map.of("app", "postgres");
    r.getSpec().pipe.command = List.of("psql", "-v", "ON_ERROR_STOP=1", "--single-transaction");
    return r;
  }

  @Test
  void theJobPipesTheDumpIntoTheCommandInThePod() throws Exception {
    create(pipe("back", "db/app.sql"));
    Job job = job("back");
    List<String> cmd = job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
    assertThat(cmd)
        .containsSequence(
            "arca",
            "restore",
            "--host",
            "llm/models",
            "--tag",
            "arca.dev/policy=models",
            "bb".repeat(32));
    int at = cmd.indexOf("--pipe");
    assertThat(cmd.get(at + 1))
        .isEqualTo(
            "db/app.sql=arca pod-exec -n llm --pod postgres-1 --stdin -- psql -v"
                + " ON_ERROR_STOP=1 --single-transaction");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("back-pipe-exec");
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getVolumes()).noneMatch(v -> v.getPersistentVolumeClaim() != null);
    String grant = dev.arca.controller.jobs.ExecAccess.grantName(job.getMetadata().getName());
    assertThat(client.rbac().roles().inNamespace(NS).withName(grant).get().getRules())
        .allSatisfy(rule -> assertThat(rule.getResourceNames()).containsExactly("postgres-1"));
    assertThat(client.rbac().roleBindings().inNamespace(NS).withName(grant).get()).isNotNull();
    MockCluster.runningPod(client, job);
    RestoreRequest r = await("Running", () -> running(get("back")));
    assertThat(r.getStatus().message)
        .isEqualTo("piping db/app.sql into the command in the pod labelled {app=postgres}");
  }

  @Test
  void aDumpTheSnapshotDoesNotHoldIsReported() throws Exception {
    create(pipe("nope", "db/other.sql"));
    RestoreRequest r =
        await(
            "Failed",
            () -> {
              RestoreRequest x = get("nope");
              return x.getStatus() != null
                      && x.getStatus().phase == RestoreRequestStatus.Phase.Failed
                  ? x
                  : null;
            });
    assertThat(r.getStatus().message)
        .contains("spec.pipe.path", "holds the dumps db/app.sql, not db/other.sql");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  private static RestoreRequest running(RestoreRequest x) {
    return x != null
            && x.getStatus() != null
            && x.getStatus().phase == RestoreRequestStatus.Phase.Running
        ? x
        : null;
  }

  private void databasePod(String name, boolean ready) {
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .addToLabels("app", "postgres")
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  @Test
  void noReadyDatabasePodFailsTheRequestAndGrantsNothing() throws Exception {
    RestoreRequest r = pipe("nobody", "db/app.sql");
    r.getSpec().pipe.podSelector = Map.of("app", "mysql");
    create(r);
    RestoreRequest failed =
        await(
            "Failed",
            () -> {
              RestoreRequest x = get("nobody");
              return x.getStatus() != null
                      && x.getStatus().phase == RestoreRequestStatus.Phase.Failed
                  ? x
                  : null;
            });
    assertThat(failed.getStatus().message)
        .contains("spec.pipe.podSelector", "no running and ready pod", "{app=mysql}");
    assertThat(client.rbac().roles().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }
}
