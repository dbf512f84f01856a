package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The user's path end to end: kubectl apply of Secrets, a BackupPolicy and RestoreRequests; the
 * chart's operator (a pod, under the chart's RBAC) runs backup and restore Jobs (pods of the arca
 * image) against MinIO; restored trees are compared file by file with the source.
 */
class BackupRestoreTest {
  @Test
  void backupTwiceThenRestoreTheLatestAndOneFolderAsItWasBeforeTheSecondRun() throws Exception {
    Steps s = new Steps("llm");
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket = s.initRepository();
    Path source = s.pvc("model-weights");
    Trees.llm(source, 1);
    Map<String, String> first = Trees.hashes(source);

    s.policy("model-weights", "model-weights", bucket, "arca-repository-password", "");
    s.awaitSnapshots("model-weights", 1);
    Map<?, ?> last = (Map<?, ?>) s.status(Steps.POLICIES, "model-weights").get("lastBackup");
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(first.size());
    Instant between = Instant.now();
    TimeUnit.SECONDS.sleep(2);

    // change the tree: rewrite the config, add a checkpoint, delete a dataset part
    Files.writeString(source.resolve("model/config.json"), "{\"hidden_size\": 1024}\n");
    Trees.llm(source.resolve("checkpoints/step-200"), 2);
    Files.delete(source.resolve("datasets/chat été/part-7.jsonl"));
    Map<String, String> second = Trees.hashes(source);
    s.runNow("model-weights", "2");
    s.awaitSnapshots("model-weights", 2);
    Object firstId = last.get("snapshotId");
    last =
        s.await(
            "the second backup in the policy's status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "model-weights").get("lastBackup"),
            b -> !firstId.equals(b.get("snapshotId")));
    // unchanged files were not read again: the model shard, the first checkpoint, the dataset
    assertThat(((Number) last.get("unchangedFiles")).longValue()).isEqualTo(first.size() - 2);
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(second.size());

    s.apply(restore("latest", "snapshot: latest", "", "restored-latest"));
    assertThat(s.awaitRestore("latest").get("phase")).isEqualTo("Succeeded");
    assertThat(Trees.hashes(Cluster.kubelet().claimFolder("llm", "restored-latest")))
        .isEqualTo(second);

    s.apply(
        restore(
            "model-folder",
            "before: \"" + between + "\"",
            "include: [\"model/**\"]",
            "restored-model"));
    assertThat(s.awaitRestore("model-folder").get("phase")).isEqualTo("Succeeded");
    Map<String, String> expected = new TreeMap<>(first);
    expected.keySet().removeIf(k -> !k.startsWith("model/"));
    assertThat(Trees.hashes(Cluster.kubelet().claimFolder("llm", "restored-model")))
        .isEqualTo(expected);
  }

  private static String restore(String name, String which, String include, String pvc) {
    return """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: %s, namespace: llm}
        spec:
          policyRef: {name: model-weights}
          %s
          %s
          target:
            pvc: %s
            createPVC: {size: 1Gi}
        """
        .formatted(name, which, include, pvc);
  }
}
