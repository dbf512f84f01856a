package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.testcluster.kubelet.KubeletStandIn;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Backup runs in parts on the real API server (issue 24): a policy over two ReadWriteOnce volumes
 * in use on two nodes runs one Job on each node, beside its volume's user, and makes one snapshot
 * that restores byte for byte. (The split of one ReadWriteMany volume is {@link SplitBackupTest},
 * which also runs on the real node.)
 */
@Isolated // a second node joins the cluster while it runs
class ParallelBackupTest {
  private static final String NODE_2 = "node-2";

  private static KubeletStandIn secondNode() {
    return new KubeletStandIn(
        Cluster.local(),
        NODE_2,
        Cluster.CHECKOUT.resolve("operator/cli/target"),
        Set.of(Cluster.IMAGE),
        Set.of(dev.arca.it.S3Servers.minio().getPort()));
  }

  /** A pod that keeps {@code claim} in use on {@code node}, as a model server would. */
  private static void server(String ns, String name, String claim, String node) {
    Pod pod = Pods.pod(ns, name, List.of("sleep", "3600"), List.of(), claim);
    pod.getSpec().setNodeName(node);
    Cluster.get().client().pods().inNamespace(ns).resource(pod).create();
    Cluster.get()
        .client()
        .pods()
        .inNamespace(ns)
        .withName(name)
        .waitUntilCondition(
            p -> p != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
  }

  @Test
  void volumesInUseOnTwoNodesMakeOneSnapshotFromOneJobPerNode() throws Exception {
    try (KubeletStandIn node2 = secondNode()) {
      Steps s = new Steps("parts-nodes");
      s.secrets("arca-repository-password", Steps.PASSWORD);
      String bucket = s.initRepository("arca-repository-password");
      s.claim("weights-a");
      s.claim("weights-b");
      Pods.shell(s.ns, "write-a", Trees.LLM_SH + "llm /data 1\n", "weights-a");
      Pods.shell(s.ns, "write-b", Trees.LLM_SH + "llm /data 2\n", "weights-b");
      Map<String, String> a = Pods.hashes(s.ns, "hash-a", "weights-a");
      Map<String, String> b = Pods.hashes(s.ns, "hash-b", "weights-b");
      server(s.ns, "server-a", "weights-a", Cluster.kubelet().nodeName());
      server(s.ns, "server-b", "weights-b", NODE_2);

      s.policy(
          "fleet",
          null,
          bucket,
          "arca-repository-password",
          "sources: [{pvc: weights-a}, {pvc: weights-b}]\nparallelism: 2");
      s.awaitSnapshots("fleet", 1);
      // the Snapshot object may appear a moment before the policy's status is patched
      Map<?, ?> st =
          s.await(
              "the run in the policy's status",
              () -> s.status(Steps.POLICIES, "fleet"),
              x -> x != null && x.get("lastBackup") != null);
      Map<?, ?> last = (Map<?, ?>) st.get("lastBackup");
      assertThat(((Number) last.get("files")).longValue()).isEqualTo(a.size() + b.size());
      assertThat(st.get("parts")).as("cleared when the run ended").isNull();
      List<Job> parts = SplitBackupTest.partJobs(s, "fleet");
      assertThat(parts).hasSize(2);
      assertThat(
              parts.stream()
                  .map(
                      j ->
                          Cluster.get()
                              .client()
                              .pods()
                              .inNamespace(s.ns)
                              .withLabel("job-name", j.getMetadata().getName())
                              .list()
                              .getItems()
                              .get(0)
                              .getSpec()
                              .getNodeName())
                  .toList())
          .as("one part on each node, beside its volume's user")
          .containsExactlyInAnyOrder(Cluster.kubelet().nodeName(), NODE_2);
      assertThat(s.events("fleet", "BackupStarted"))
          .anySatisfy(e -> assertThat(e.getMessage()).contains("started in 2 parts"));

      SplitBackupTest.restore(s, "back-a", "fleet", "weights-a", "restored-a");
      SplitBackupTest.restore(s, "back-b", "fleet", "weights-b", "restored-b");
      assertThat(Pods.hashes(s.ns, "hash-ra", "restored-a")).isEqualTo(a);
      assertThat(Pods.hashes(s.ns, "hash-rb", "restored-b")).isEqualTo(b);
      Cluster.get()
          .client()
          .pods()
          .inNamespace(s.ns)
          .withName("server-b")
          .withGracePeriod(0)
          .delete();
    } finally {
      Cluster.get().client().nodes().withName(NODE_2).delete();
    }
  }
}
