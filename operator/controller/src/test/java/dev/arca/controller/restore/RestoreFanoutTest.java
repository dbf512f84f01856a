package dev.arca.controller.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.api.v1alpha1.RestoreRequestStatus.Phase;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A RestoreRequest with three targets on the mock API server: the snapshot is resolved once (a
 * newer backup landing meanwhile changes nothing), each target gets a request of its own with that
 * snapshot's id, owned by this one, whose Job restores into its PVC; the request follows them
 * (targets done 2/3 ...) and succeeds when every one did, or fails naming the one that did not. And
 * a request with one ReadWriteMany target and {@code parallelism: 3}: three Jobs restore their
 * shares of one pinned snapshot, then a folders Job, and the request adds their figures up; a
 * ReadWriteOnce target is refused, and a failed part fails the request naming it.
 */
@EnableKubernetesMockClient(crud = true)
class RestoreFanoutTest {
  static final String NS = RestoreRequestReconcilerTest.NS;
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;
  final RestoreRequestReconcilerTest catalog = new RestoreRequestReconcilerTest();

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    RestoreRequestReconcilerTest.createPolicy(client);
    catalog.client = client;
    catalog.snapshot(
        "models-new",
        RestoreRequestReconcilerTest.NEW,
        "2026-11-25T02:30:00Z",
        List.of("models"),
        1L << 30);
    operator =
        MockCluster.start(
            client,
            new RestoreRequestReconciler(
                OperatorConfig.fromEnv(Map.of()),
                Clock.systemUTC(),
                new dev.arca.controller.metrics.ArcaMetrics(
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry())));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  @Test
  void oneSnapshotIntoThreePvcsAtOnceEachByItsOwnRequest() throws Exception {
    RestoreRequest r = fanout("serving");
    client.resources(RestoreRequest.class).inNamespace(NS).resource(r).create();
    List<Job> jobs = await3Jobs();
    // a backup landing now must not change what the targets restore
    catalog.snapshot(
        "models-newer", "cc".repeat(32), "2026-11-26T02:30:00Z", List.of("models"), 1L << 30);
    RestoreRequest parent = get("serving");
    assertThat(parent.getStatus().snapshotId).isEqualTo(RestoreRequestReconcilerTest.NEW);
    assertThat(parent.getStatus().targets)
        .extracting(t -> t.pvc + " " + t.request)
        .containsExactly(
            "weights-0 serving-weights-0",
            "weights-1 serving-weights-1",
            "weights-2 serving-weights-2");
    for (int i = 0; i < 3; i++) {
      RestoreRequest child = get("serving-weights-" + i);
      assertThat(child.getSpec().target.pvc).isEqualTo("weights-" + i);
      assertThat(child.getSpec().target.createPVC.size).isEqualTo("2Gi");
      assertThat(child.getSpec().snapshot).isEqualTo(RestoreRequestReconcilerTest.NEW);
      assertThat(child.getSpec().targets).isNull();
      assertThat(child.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getName()).isEqualTo("serving"));
      assertThat(child.getMetadata().getLabels()).containsEntry("arca.dev/parent", "serving");
    }
    for (Job j : jobs) {
      assertThat(j.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
          .contains(RestoreRequestReconcilerTest.NEW);
    }

    finish(jobs.get(0), true);
    finish(jobs.get(1), true);
    await("2/3 done", () -> "2/3".equals(get("serving").getStatus().targetsDone));
    assertThat(get("serving").getStatus().phase).isIn(Phase.Pending, Phase.Running);
    finish(jobs.get(2), true);
    RestoreRequest done = inPhase("serving", Phase.Succeeded);
    assertThat(done.getStatus().targetsDone).isEqualTo("3/3");
    assertThat(done.getStatus().files).isEqualTo(21);
    assertThat(done.getStatus().message)
        .contains("into 3 PVCs, every file checked: weights-0, weights-1, weights-2");
  }

  @Test
  void oneTargetThatFailsFailsTheRequestNamingIt() throws Exception {
    client.resources(RestoreRequest.class).inNamespace(NS).resource(fanout("serving")).create();
    List<Job> jobs = await3Jobs();
    finish(jobs.get(0), true);
    finish(jobs.get(2), true);
    MockCluster.finish(
        client, jobs.get(1), false, "{\"ok\":false,\"error\":\"disk full\",\"exitCode\":1}");
    RestoreRequest failed = inPhase("serving", Phase.Failed);
    assertThat(failed.getStatus().targetsDone).isEqualTo("2/3");
    assertThat(failed.getStatus().message)
        .startsWith("1 of 3 targets failed: weights-1: ")
        .contains("disk full");
  }

  @Test
  void withParallelismOneTheTargetsRestoreOneAfterTheOther() throws Exception {
    RestoreRequest r = fanout("serving");
    r.getSpec().parallelism = 1;
    client.resources(RestoreRequest.class).inNamespace(NS).resource(r).create();
    Job first = catalogJob("serving-weights-0");
    Thread.sleep(6000); // more than a look at the targets
    assertThat(client.resources(RestoreRequest.class).inNamespace(NS).list().getItems())
        .as("the request and its first target only")
        .hasSize(2);
    assertThat(get("serving").getStatus().message).contains("3 PVCs, 1 at a time");
    assertThat(get("serving").getStatus().targets.get(1).phase).as("waiting its turn").isNull();
    finish(first, true);
    Job second = catalogJob("serving-weights-1");
    assertThat(client.resources(RestoreRequest.class).inNamespace(NS).list().getItems()).hasSize(3);
    finish(second, true);
    finish(catalogJob("serving-weights-2"), true);
    assertThat(inPhase("serving", Phase.Succeeded).getStatus().targetsDone).isEqualTo("3/3");
  }

  @Test
  void aPvcNamedTwiceFailsTheRequestAndStartsNothing() throws Exception {
    RestoreRequest r = fanout("twice");
    r.getSpec().targets.get(2).pvc = "weights-0";
    client.resources(RestoreRequest.class).inNamespace(NS).resource(r).create();
    RestoreRequest failed = inPhase("twice", Phase.Failed);
    assertThat(failed.getStatus().message).isEqualTo("spec.targets: PVC weights-0 is named twice");
    assertThat(client.resources(RestoreRequest.class).inNamespace(NS).list().getItems()).hasSize(1);
  }

  private RestoreRequest fanout(String name) {
    RestoreRequest r = new RestoreRequest();
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace(NS);
    r.setSpec(new RestoreRequestSpec());
    r.getSpec().policyRef = new RestoreRequestSpec.PolicyRef();
    r.getSpec().policyRef.name = "models";
    r.getSpec().targets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RestoreRequestSpec.Target t = new RestoreRequestSpec.Target();
      t.pvc = "weights-" + i;
      t.createPVC = new RestoreRequestSpec.CreatePvc();
      t.createPVC.size = "2Gi";
      r.getSpec().targets.add(t);
    }
    return r;
  }

  private List<Job> await3Jobs() throws InterruptedException {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(catalogJob("serving-weights-" + i));
    }
    return jobs;
  }

  private Job catalogJob(String request) throws InterruptedException {
    return MockCluster.await(
        "the restore Job of " + request,
        () ->
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withLabel("arca.dev/restore", request)
                .list()
                .getItems()
                .stream()
                .findFirst()
                .orElse(null));
  }

  private void finish(Job job, boolean ok) {
    MockCluster.finish(
        client,
        job,
        ok,
        "{\"snapshotId\":\""
            + RestoreRequestReconcilerTest.NEW
            + "\",\"files\":7,\"written\":7,\"unchanged\":0,\"kept\":0,\"keptPaths\":[],\"bytes\":100}");
  }

  private RestoreRequest get(String name) {
    return client.resources(RestoreRequest.class).inNamespace(NS).withName(name).get();
  }

  private RestoreRequest inPhase(String name, Phase phase) throws InterruptedException {
    return MockCluster.await(
        name + " " + phase,
        () -> {
          RestoreRequest r = get(name);
          return r.getStatus() != null && r.getStatus().phase == phase ? r : null;
        });
  }

  private static <T> T await(String what, java.util.function.Supplier<T> probe)
      throws InterruptedException {
    return MockCluster.await(what, probe);
  }

  private RestoreRequest request(String name, String mode) {
    RestoreRequest r = new RestoreRequest();
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace(NS);
    r.setSpec(new RestoreRequestSpec());
    r.getSpec().policyRef = new RestoreRequestSpec.PolicyRef();
    r.getSpec().policyRef.name = "models";
    r.getSpec().target = new RestoreRequestSpec.Target();
    r.getSpec().target.pvc = "shared-" + name;
    r.getSpec().target.createPVC = new RestoreRequestSpec.CreatePvc();
    r.getSpec().target.createPVC.size = "2Gi";
    r.getSpec().target.createPVC.accessModes = List.of(mode);
    r.getSpec().parallelism = 3;
    return client.resources(RestoreRequest.class).inNamespace(NS).resource(r).create();
  }

  private List<Job> jobs(String request) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel("arca.dev/restore", request)
        .list()
        .getItems()
        .stream()
        .filter(j -> j.getMetadata().getDeletionTimestamp() == null)
        .sorted(java.util.Comparator.comparing(j -> j.getMetadata().getName()))
        .toList();
  }

  private static List<String> command(Job j) {
    return j.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
  }

  private void finishPart(Job job, boolean ok, long files) {
    MockCluster.finish(
        client,
        job,
        ok,
        ok
            ? "{\"snapshotId\":\""
                + RestoreRequestReconcilerTest.NEW
                + "\",\"files\":"
                + files
                + ",\"written\":"
                + files
                + ",\"unchanged\":0,\"kept\":0,\"keptPaths\":[],\"bytes\":"
                + files * 100
                + ",\"dirs\":4,\"symlinks\":1,\"failures\":[]}"
            : "{\"ok\":false,\"error\":\"disk full\",\"exitCode\":1}");
  }

  @Test
  void threeJobsRestoreTheirSharesThenTheFoldersJobAndTheRequestAddsThemUp() throws Exception {
    request("wide", "ReadWriteMany");
    List<Job> parts =
        MockCluster.await("three part Jobs", () -> jobs("wide").size() == 3 ? jobs("wide") : null);
    for (int i = 0; i < 3; i++) {
      List<String> cmd = command(parts.get(i));
      assertThat(cmd).containsSubsequence("--part", i + "/3", "--target");
      assertThat(cmd).contains(RestoreRequestReconcilerTest.NEW);
    }
    MockCluster.await( // the status is written after the Jobs are created
        "0/3 parts done",
        () ->
            get("wide").getStatus() != null && "0/3".equals(get("wide").getStatus().partsDone)
                ? true
                : null);
    for (int i = 0; i < 3; i++) {
      finishPart(parts.get(i), true, 10 + i);
    }
    Job folders =
        MockCluster.await(
            "the folders Job",
            () ->
                jobs("wide").stream()
                    .filter(j -> j.getMetadata().getName().endsWith("restore-folders"))
                    .findFirst()
                    .orElse(null));
    assertThat(command(folders)).contains("--folders-only").doesNotContain("--part");
    MockCluster.await(
        "3/3 parts done", () -> "3/3".equals(get("wide").getStatus().partsDone) ? true : null);
    finishPart(folders, true, 0);
    RestoreRequest done = inPhase("wide", Phase.Succeeded);
    assertThat(done.getStatus().files).isEqualTo(33L);
    assertThat(done.getStatus().bytes).isEqualTo(3300L);
    assertThat(done.getStatus().snapshotId).isEqualTo(RestoreRequestReconcilerTest.NEW);
  }

  @Test
  void aReadWriteOnceTargetIsRefusedAndAFailedPartFailsTheRequest() throws Exception {
    request("narrow", "ReadWriteOnce");
    RestoreRequest refused = inPhase("narrow", Phase.Failed);
    assertThat(refused.getStatus().message)
        .contains("several Jobs restore into one target only when it is ReadWriteMany");
    assertThat(jobs("narrow")).isEmpty();

    request("broken", "ReadWriteMany");
    List<Job> parts =
        MockCluster.await(
            "three part Jobs", () -> jobs("broken").size() == 3 ? jobs("broken") : null);
    finishPart(parts.get(0), true, 5);
    finishPart(parts.get(1), false, 0);
    RestoreRequest failed = inPhase("broken", Phase.Failed);
    assertThat(failed.getStatus().message)
        .contains("part 1 of 3")
        .contains(parts.get(1).getMetadata().getName())
        .contains("disk full");
    assertThat(jobs("broken"))
        .as("the part still running is stopped; no folders Job")
        .extracting(j -> j.getMetadata().getName())
        .doesNotContain(parts.get(2).getMetadata().getName())
        .noneMatch(n -> n.endsWith("restore-folders"));
  }

  @Test
  void aRunningPartShowsItsProgressAndAStalledPartFailsTheRequestNamingIt() throws Exception {
    request("stuck", "ReadWriteMany");
    client
        .resources(RestoreRequest.class)
        .inNamespace(NS)
        .withName("stuck")
        .edit(
            x -> {
              x.getSpec().job = new dev.arca.api.v1alpha1.JobOverrides();
              x.getSpec().job.stallTimeoutSeconds = 60L;
              return x;
            });
    List<Job> parts =
        MockCluster.await(
            "three part Jobs", () -> jobs("stuck").size() == 3 ? jobs("stuck") : null);
    MockCluster.runningPod(
        client,
        server,
        parts.get(0),
        "stuck-p0-pod",
        java.time.Instant.now(),
        "{\"progress\":{\"bytesDone\":42,\"bytesTotal\":100,\"percent\":42,\"filesDone\":7}}\n");
    RestoreRequest moving =
        MockCluster.await(
            "part 0's progress",
            () -> {
              RestoreRequest g = get("stuck");
              return g.getStatus() != null
                      && g.getStatus().parts != null
                      && g.getStatus().parts.get(0).progress != null
                  ? g
                  : null;
            });
    assertThat(moving.getStatus().parts.get(0).progress.bytesDone).isEqualTo(42L);
    assertThat(moving.getStatus().parts.get(0).progress.percent).isEqualTo(42);

    // part 1 runs and says nothing for longer than the stall timeout
    MockCluster.runningPod(
        client,
        server,
        parts.get(1),
        "stuck-p1-pod",
        java.time.Instant.now().minusSeconds(90),
        "opening repository\n");
    RestoreRequest failed = inPhase("stuck", Phase.Failed);
    assertThat(failed.getStatus().message)
        .contains("part 1 of 3")
        .contains(parts.get(1).getMetadata().getName())
        .contains("no progress for");
    assertThat(failed.getStatus().parts.get(1).phase).isEqualTo(Phase.Failed);
  }
}
