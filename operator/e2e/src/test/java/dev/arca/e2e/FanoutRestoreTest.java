package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One snapshot restored into three new PVCs at once (the weights volume of three serving replicas),
 * on the real API server: a RestoreRequest with three targets makes a request and a Job per target,
 * each restores and checks every file, and each volume holds the source's files (read back by
 * SHA-256 from a pod); kubectl shows the targets done.
 */
class FanoutRestoreTest {
  @Test
  void oneSnapshotIntoThreeVolumesEachVerified() throws Exception {
    Steps s = new Steps("fanout");
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket = s.initRepository("arca-repository-password");
    s.claim("weights");
    Pods.shell(s.ns, "write-weights", Trees.LLM_SH + "llm /data 7\n", "weights");
    Map<String, String> source = Pods.hashes(s.ns, "hash-source", "weights");
    s.policy("weights", "weights", bucket, "arca-repository-password", "");
    s.awaitSnapshots("weights", 1);
    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: replicas, namespace: %s}
        spec:
          policyRef: {name: weights}
          targets:
            - {pvc: replica-0, createPVC: {size: 1Gi}}
            - {pvc: replica-1, createPVC: {size: 1Gi}}
            - {pvc: replica-2, createPVC: {size: 1Gi}}
        """
            .formatted(s.ns));
    Map<?, ?> done = s.awaitRestore("replicas");
    assertThat(done.get("phase")).as("%s", done).isEqualTo("Succeeded");
    assertThat(done.get("targetsDone")).isEqualTo("3/3");
    assertThat(((Number) done.get("files")).longValue()).isEqualTo(3L * source.size());
    for (int i = 0; i < 3; i++) {
      assertThat(Pods.hashes(s.ns, "hash-replica-" + i, "replica-" + i))
          .as("replica-%d", i)
          .isEqualTo(source);
    }
    String table = Cluster.get().kubectl("get", "restorerequests", "-n", s.ns).orFail().stdout();
    assertThat(table).contains("TARGETS").containsPattern("replicas\\s+Succeeded\\s+3/3");
    assertThat(s.events("replicas", "RestoreSucceeded")).hasSize(1);
    assertThat(
            List.of("replicas-replica-0", "replicas-replica-1", "replicas-replica-2").stream()
                .map(n -> String.valueOf(s.status(Steps.RESTORES, n).get("phase")))
                .toList())
        .containsOnly("Succeeded");
  }
}
