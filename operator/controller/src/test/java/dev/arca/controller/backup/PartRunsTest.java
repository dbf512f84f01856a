package dev.arca.controller.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.contract.BackupReport;
import dev.arca.contract.PartReport;
import dev.arca.contract.Reports;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Backup runs in parts against fabric8's mock API server: one part per node for volumes in use on
 * different nodes, a split into {@code parallelism} parts for ReadWriteMany volumes; the Job that
 * joins them starts only once every part succeeded, and a failed part fails the run with no
 * snapshot, naming the part.
 */
@EnableKubernetesMockClient(crud = true)
class PartRunsTest {
  static final String NS = "llm";
  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  Operator operator;
  final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

  @BeforeEach
  void setUp() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    operator =
        MockCluster.start(
            client,
            new BackupPolicyReconciler(
                OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test")),
                new ManualClock(Instant.now().plus(Duration.ofMinutes(2))),
                new dev.arca.controller.metrics.ArcaMetrics(registry)));
  }

  @AfterEach
  void tearDown() throws Exception {
    operator.stop();
    dev.arca.controller.ApiCalls.assertAllGranted(server);
  }

  private BackupPolicy policy(String name, Integer parallelism, String... pvcs) {
    BackupPolicy p = BackupPolicyReconcilerTest.policy(name, "* * * * *");
    List<BackupPolicySpec.Source> sources = new ArrayList<>();
    for (String pvc : pvcs) {
      BackupPolicySpec.Source s = new BackupPolicySpec.Source();
      s.pvc = pvc;
      sources.add(s);
    }
    p.getSpec().sources = sources;
    p.getSpec().parallelism = parallelism;
    return client.resources(BackupPolicy.class).inNamespace(NS).resource(p).create();
  }

  private BackupPolicy get(String name) {
    return client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get();
  }

  private List<Job> jobs(String policy, String run) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel("arca.dev/policy", policy)
        .withLabel("arca.dev/run", run)
        .list()
        .getItems()
        .stream()
        .filter(j -> j.getMetadata().getDeletionTimestamp() == null)
        .sorted(java.util.Comparator.comparing(j -> j.getMetadata().getName()))
        .toList();
  }

  private List<String> events(String policy, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> policy.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  private static List<String> command(Job j) {
    return j.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
  }

  private static List<String> claims(Job j) {
    return j.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getPersistentVolumeClaim() != null)
        .map(v -> v.getPersistentVolumeClaim().getClaimName())
        .toList();
  }

  private static String after(List<String> cmd, String flag) {
    return cmd.get(cmd.indexOf(flag) + 1);
  }

  static BackupReport figures(String snapshot, long files, long bytes) {
    return new BackupReport(
        snapshot, null, "full", files, 1, bytes, bytes, bytes, 0, 0, 0, List.of(), List.of(),
        List.of(), 10, false);
  }

  private void partSucceeds(Job j, int part, int parts, long bytes) {
    String run = after(command(j), "--run");
    MockCluster.finish(
        client,
        j,
        true,
        Reports.json(
            new PartReport(run, part, parts, "ab".repeat(32), false, figures(null, 2, bytes))));
  }

  @Test
  void volumesInUseOnTwoNodesAreBackedUpByOnePartPerNodeAndJoinedIntoOneSnapshot()
      throws Exception {
    MockCluster.pvc(client, NS, "weights-a", "ReadWriteOnce");
    MockCluster.pvc(client, NS, "weights-b", "ReadWriteOnce");
    MockCluster.podMounting(client, NS, "server-a", "weights-a", "Running", "node-a", Map.of());
    MockCluster.podMounting(client, NS, "server-b", "weights-b", "Running", "node-b", Map.of());
    policy("nodes", 2, "weights-a", "weights-b");

    List<Job> parts =
        MockCluster.await(
            "two part Jobs",
            () -> jobs("nodes", "backup-part").size() == 2 ? jobs("nodes", "backup-part") : null);
    assertThat(JobNodes.pinnedTo(parts.get(0))).containsExactly("node-a");
    assertThat(JobNodes.pinnedTo(parts.get(1))).containsExactly("node-b");
    assertThat(claims(parts.get(0))).containsExactly("weights-a");
    assertThat(claims(parts.get(1))).containsExactly("weights-b");
    List<String> cmd = command(parts.get(1));
    assertThat(after(cmd, "--part")).isEqualTo("1/2");
    assertThat(cmd)
        .containsSubsequence("--run-source", "/data/weights-a", "--run-source", "/data/weights-b");
    assertThat(cmd).endsWith("/data/weights-b");
    assertThat(jobs("nodes", "backup")).as("no commit before the parts are done").isEmpty();
    BackupPolicy running =
        MockCluster.await(
            "parts in status",
            () ->
                get("nodes").getStatus() != null && get("nodes").getStatus().parts != null
                    ? get("nodes")
                    : null);
    assertThat(running.getStatus().parts.done).isEqualTo("0/2");
    assertThat(running.getStatus().parts.mode).isEqualTo("Nodes");

    partSucceeds(parts.get(0), 0, 2, 100);
    MockCluster.await(
        "1/2 done", () -> "1/2".equals(get("nodes").getStatus().parts.done) ? true : null);
    assertThat(jobs("nodes", "backup")).isEmpty();
    partSucceeds(parts.get(1), 1, 2, 200);
    Job commit =
        MockCluster.await(
            "the commit Job",
            () -> jobs("nodes", "backup").isEmpty() ? null : jobs("nodes", "backup").get(0));
    assertThat(command(commit))
        .containsSubsequence("arca", "commit", "--run", after(cmd, "--run"), "--parts", "2");
    assertThat(claims(commit)).as("the commit mounts no volume").isEmpty();
    assertThat(commit.getMetadata().getName()).isEqualTo(get("nodes").getStatus().activeJob);

    MockCluster.finish(client, commit, true, Reports.json(figures("cd".repeat(32), 4, 300)));
    BackupPolicy done =
        MockCluster.await(
            "the joined snapshot recorded",
            () ->
                get("nodes").getStatus().lastBackup != null
                        && get("nodes").getStatus().parts == null
                    ? get("nodes")
                    : null);
    assertThat(done.getStatus().lastBackup.snapshotId).isEqualTo("cd".repeat(32));
    assertThat(done.getStatus().lastBackup.files).isEqualTo(4);
    assertThat(events("nodes", "BackupPartsDone")).hasSize(1);
  }

  @Test
  void aReadWriteManyVolumeIsSplitAcrossParallelPartsAndAFailedPartFailsTheRun() throws Exception {
    MockCluster.pvc(client, NS, "checkpoints", "ReadWriteMany");
    policy("split", 3, "checkpoints");
    List<Job> parts =
        MockCluster.await(
            "three part Jobs at once",
            () -> jobs("split", "backup-part").size() == 3 ? jobs("split", "backup-part") : null);
    for (int i = 0; i < 3; i++) {
      List<String> cmd = command(parts.get(i));
      assertThat(after(cmd, "--part")).isEqualTo(i + "/3");
      assertThat(cmd).doesNotContain("--run-source").endsWith("/data/checkpoints");
      assertThat(claims(parts.get(i))).containsExactly("checkpoints");
      assertThat(JobNodes.pinnedTo(parts.get(i))).isEmpty();
    }
    assertThat(after(command(parts.get(0)), "--run"))
        .isEqualTo(after(command(parts.get(2)), "--run"))
        .startsWith(get("split").getMetadata().getUid() + ".");
    MockCluster.await(
        "3 parts gauge",
        () ->
            registry.find("arca_backup_parts").tag("policy", "split").gauge() != null
                    && registry.find("arca_backup_parts").tag("policy", "split").gauge().value()
                        == 3
                ? true
                : null);

    partSucceeds(parts.get(0), 0, 3, 10);
    MockCluster.finish(
        client, parts.get(1), false, "{\"ok\":false,\"error\":\"disk went away\",\"exitCode\":1}");
    BackupPolicy failed =
        MockCluster.await(
            "the run failed",
            () ->
                get("split").getStatus().lastFailure != null
                        && get("split").getStatus().activeJob == null
                    ? get("split")
                    : null);
    assertThat(failed.getStatus().lastFailure.reason).isEqualTo("BackupPartFailed");
    assertThat(failed.getStatus().lastFailure.message)
        .contains("part 1 of 3")
        .contains(parts.get(1).getMetadata().getName())
        .contains("disk went away")
        .contains("no snapshot was made");
    assertThat(failed.getStatus().lastBackup).isNull();
    assertThat(failed.getStatus().parts).isNull();
    assertThat(jobs("split", "backup")).as("no commit Job").isEmpty();
    assertThat(failed.getStatus().lastFailure.message)
        .contains("part 2 still running finishes on its own");
    assertThat(jobs("split", "backup-part"))
        .as("the running part is left to finish: the next run reuses its uploads")
        .extracting(j -> j.getMetadata().getName())
        .contains(parts.get(2).getMetadata().getName());
    assertThat(events("split", "BackupPartFailed")).hasSize(1);
  }

  @Test
  void partsOnSeveralNodesRunOneAtATimeByDefault() throws Exception {
    MockCluster.pvc(client, NS, "a", "ReadWriteOnce");
    MockCluster.pvc(client, NS, "b", "ReadWriteOnce");
    MockCluster.podMounting(client, NS, "user-a", "a", "Running", "node-a", Map.of());
    MockCluster.podMounting(client, NS, "user-b", "b", "Running", "node-b", Map.of());
    policy("serial", null, "a", "b");
    Job first =
        MockCluster.await(
            "the first part",
            () ->
                jobs("serial", "backup-part").isEmpty()
                    ? null
                    : jobs("serial", "backup-part").get(0));
    Thread.sleep(1500);
    assertThat(jobs("serial", "backup-part")).hasSize(1);
    partSucceeds(first, 0, 2, 1);
    MockCluster.await(
        "the second part", () -> jobs("serial", "backup-part").size() == 2 ? true : null);
  }
}
