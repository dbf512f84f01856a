package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.samples.LlmTrees;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Job kinds a policy's schedules start besides backup and retention, as containers of the image
 * on the real node: a verify run (every pack read back, {@code readDataPercent: 100}) that finds no
 * damage, and a prune run, each ending in its status and Event. With the backup, retention and
 * restore Jobs of the other real-node tests, every Job kind has run there.
 */
class RealNodeMaintenanceTest {
  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void verifyAndPruneRunOnTheirSchedulesAsContainersOfTheImage() throws Exception {
    assumeTrue(Cluster.realNode(), "real pods: the e2e pom's real-node execution");
    Steps s = new Steps("maintenance");
    s.secrets("pw", Steps.PASSWORD);
    String bucket = s.initRepository("pw");
    LlmTrees.small(s.pvc("data"), 1);
    s.policy(
        "nightly",
        "data",
        bucket,
        "pw",
        """
        prune: {schedule: "* * * * *", maxUnusedPercent: 0}
        verify: {schedule: "* * * * *", readDataPercent: 100}
        """);
    s.awaitSnapshots("nightly", 1);
    Map<String, Pod> pods = new TreeMap<>();
    Map<?, ?> verified =
        s.await(
            "a verification in the policy's status and a PruneSucceeded Event",
            () -> {
              Cluster.get().client().pods().inNamespace(s.ns).list().getItems().stream()
                  .filter(p -> "nightly".equals(p.getMetadata().getLabels().get("arca.dev/policy")))
                  .forEach(p -> pods.put(p.getMetadata().getName(), p));
              Map<?, ?> v = (Map<?, ?>) s.status(Steps.POLICIES, "nightly").get("lastVerification");
              return v != null && !s.events("nightly", "PruneSucceeded").isEmpty() ? v : null;
            },
            v -> v != null);
    assertThat(verified.get("ok")).as("%s", verified).isEqualTo(true);
    assertThat(((Number) verified.get("damagedObjects")).longValue()).isZero();
    assertThat(s.events("nightly", "VerifySucceeded")).isNotEmpty();
    assertThat(pods.values())
        .as("the policy's Job pods")
        .anyMatch(p -> command(p).contains("verify"))
        .anyMatch(p -> command(p).contains("prune"))
        .allSatisfy(
            p -> {
              Container c = p.getSpec().getContainers().get(0);
              assertThat(c.getImage()).isEqualTo(RealNodeCluster.IMAGE);
              assertThat(p.getSpec().getNodeName())
                  .isEqualTo(dev.arca.testcluster.node.RealNode.NAME);
            });
  }

  private static String command(Pod p) {
    Container c = p.getSpec().getContainers().get(0);
    return String.valueOf(c.getCommand()) + " " + c.getArgs();
  }
}
