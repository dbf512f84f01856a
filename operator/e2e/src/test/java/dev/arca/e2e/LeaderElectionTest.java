package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Two operator replicas from the chart: one holds the Lease and works, the other waits; when the
 * leader's pod is deleted, the other takes the Lease and runs the next backup.
 */
@Isolated("it upgrades the release and deletes the leading operator's pod")
class LeaderElectionTest {
  /** Two replicas, their leader election logged (the follower's log shows it waiting). */
  static final String VALUES =
      """
      replicas: 2
      operator:
        javaOpts: >-
          -Xmx320m
          -Dorg.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.extended.leaderelection=debug
          -Dorg.slf4j.simpleLogger.log.io.javaoperatorsdk.operator.LeaderElectionManager=debug
      """;

  @Test
  void aSecondReplicaStaysPassiveAndTakesOverWhenTheLeaderStops() throws Exception {
    Steps s = new Steps("failover");
    var c = Cluster.get();
    Charts.upgradeOperator(VALUES);
    List<String> pods =
        s.await("two running operator pods", LeaderElectionTest::operatorPods, l -> l.size() == 2);
    String leader =
        s.await("a Lease holder among them", LeaderElectionTest::holder, pods::contains);
    String follower = pods.stream().filter(p -> !p.equals(leader)).findFirst().orElseThrow();
    // passive: it sees the leader's lease and starts nothing
    s.await(
        "the follower to see the leader's lease",
        () -> log(follower),
        l -> l.contains("Lock is held by " + leader));
    assertThat(log(follower)).doesNotContain("BackupStarted");

    long deleted = System.nanoTime();
    c.kubectl("delete", "pod", "-n", Cluster.OPERATOR_NAMESPACE, leader).orFail();
    // a waiting replica takes the Lease: the follower, or the pod the ReplicaSet starts in the
    // leader's place, whichever asks first once the lease has expired
    String next =
        s.await(
            "another replica to take the Lease",
            LeaderElectionTest::holder,
            h -> h != null && !h.equals(leader) && operatorPods().contains(h));
    assertThat(next).isNotEqualTo(leader);
    System.out.printf(
        "leader election: %s took over %.1f s after the leader's pod was deleted%n",
        next, (System.nanoTime() - deleted) / 1e9);

    // the new leader works: a backup in a new namespace runs to its Snapshot object
    s.secrets("pw", Steps.PASSWORD);
    String bucket = s.initRepository("pw");
    s.claim("data");
    Pods.shell(s.ns, "write-tree", Trees.LLM_SH + "llm /data 5\n", "data");
    s.policy("after-failover", "data", bucket, "pw", "");
    s.awaitSnapshots("after-failover", 1);
    // back to one replica in the release's values too, so later upgrades keep one
    Charts.upgradeOperator("replicas: 1\n");
  }

  private static List<String> operatorPods() {
    return Cluster.get()
        .client()
        .pods()
        .inNamespace(Cluster.OPERATOR_NAMESPACE)
        .withLabel("app.kubernetes.io/name", "arca")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> "Running".equals(p.getStatus().getPhase()))
        .map((Pod p) -> p.getMetadata().getName())
        .toList();
  }

  private static String holder() {
    var lease =
        Cluster.get()
            .client()
            .leases()
            .inNamespace(Cluster.OPERATOR_NAMESPACE)
            .withName("arca-operator")
            .get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static String log(String pod) {
    return Cluster.get().kubectl("logs", "-n", Cluster.OPERATOR_NAMESPACE, pod).stdout();
  }
}
