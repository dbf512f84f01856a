package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The user's path end to end: kubectl apply of Secrets, a BackupPolicy and RestoreRequests; the
 * chart's operator (a pod, under the chart's RBAC) runs backup and restore Jobs (pods of the arca
 * image) against S3; restored trees are compared file by file with the source.
 *
 * <p>Data go into and out of PVCs through pods only, so this test also runs against a real cluster
 * ({@link Target}).
 */
class BackupRestoreTest {
  @Test
  void backupTwiceThenRestoreTheLatestAndOneFolderAsItWasBeforeTheSecondRun() throws Exception {
    Steps s = new Steps("weights");
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket = s.initRepository("arca-repository-password");
    s.claim("model-weights");
    Pods.shell(s.ns, "write-tree", Trees.LLM_SH + "llm /data 1\n", "model-weights");
    Map<String, String> first = Pods.hashes(s.ns, "hash-first", "model-weights");
    assertThat(first).hasSize(43).containsKey("datasets/chat été/part-7.jsonl");

    s.policy("model-weights", "model-weights", bucket, "arca-repository-password", "");
    s.awaitSnapshots("model-weights", 1);
    // the Snapshot object may appear a moment before the policy's status is patched
    Map<?, ?> last =
        s.await(
            "the first backup in the policy's status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "model-weights").get("lastBackup"),
            b -> b != null);
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(first.size());
    Instant between = Instant.now();
    TimeUnit.SECONDS.sleep(2);

    // change the tree: rewrite the config, add a checkpoint, delete a dataset part
    Pods.shell(
        s.ns,
        "change-tree",
        Trees.LLM_SH
            + """
            printf '{"hidden_size": 1024}\\n' > /data/model/config.json
            llm /data/checkpoints/step-200 2
            rm "/data/datasets/chat été/part-7.jsonl"
            """,
        "model-weights");
    Map<String, String> second = Pods.hashes(s.ns, "hash-second", "model-weights");
    assertThat(second).hasSize(first.size() - 1 + 43);
    s.runNow("model-weights", "2");
    s.awaitSnapshots("model-weights", 2);
    Object firstId = last.get("snapshotId");
    last =
        s.await(
            "the second backup in the policy's status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "model-weights").get("lastBackup"),
            b -> b != null && !firstId.equals(b.get("snapshotId")));
    // unchanged files were not read again: the model shard, the first checkpoint, the dataset
    assertThat(((Number) last.get("unchangedFiles")).longValue()).isEqualTo(first.size() - 2);
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(second.size());

    // one BackupStarted per run (a reconcile on a status older than its own write used to start
    // the run again: a second Event claiming the volume was in use by the run's own pod)
    s.await(
        "the second run's BackupSucceeded event",
        () -> s.events("model-weights", "BackupSucceeded"),
        e -> e.size() == 2);
    assertThat(s.events("model-weights", "BackupStarted")).hasSize(2);
    assertThat(s.events("model-weights", "BackupStarted").toString()).doesNotContain("in use");
    // kubectl get reads well: the next run as a time (not "<invalid>"), sizes for people
    String table =
        Cluster.get().kubectl("get", "backuppolicy/model-weights", "-n", s.ns).orFail().stdout();
    assertThat(table.lines().findFirst().orElseThrow())
        .containsSubsequence(
            "NAME",
            "SCHEDULE",
            "SUSPEND",
            "READY",
            "RUNNING",
            "LAST BACKUP",
            "LAST RESULT",
            "SIZE",
            "NEXT",
            "AGE");
    assertThat(table).doesNotContain("<invalid>").contains("Completed").containsPattern("KiB|MiB");
    assertThat(Cluster.get().kubectl("get", "snapshots", "-n", s.ns).orFail().stdout())
        .containsPattern("(KiB|MiB)");

    s.apply(restore(s.ns, "latest", "snapshot: latest", "", "restored-latest"));
    Map<?, ?> restored = s.awaitRestore("latest");
    assertThat(restored.get("phase")).isEqualTo("Succeeded");
    assertThat(Pods.hashes(s.ns, "hash-latest", "restored-latest")).isEqualTo(second);
    // into a new volume every file of the snapshot is written, none kept or already there
    assertThat(((Number) restored.get("files")).longValue()).isEqualTo(second.size());
    assertThat(((Number) restored.get("written")).longValue()).isEqualTo(second.size());
    assertThat(((Number) restored.get("unchanged")).longValue()).isZero();
    assertThat(((Number) restored.get("kept")).longValue()).isZero();
    // who asked: the chart's admission policy names the kubectl user, the status and the
    // repository's audit trail carry it
    String user =
        Cluster.get()
            .kubectl("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
            .orFail()
            .stdout()
            .strip();
    assertThat(user).isNotBlank();
    assertThat(restored.get("requestedBy")).isEqualTo(user);
    String audit =
        Pods.run(
            s.ns,
            "arca-audit",
            List.of("arca", "audit", "--json"),
            s.repositoryEnv(bucket, "arca-repository-password"),
            null);
    assertThat(audit)
        .contains("\"requester\":\"" + user + " (RestoreRequest " + s.ns + "/latest)\"")
        .contains("\"requester\":\"operator (BackupPolicy " + s.ns + "/model-weights)\"");

    s.apply(
        restore(
            s.ns,
            "model-folder",
            "before: \"" + between + "\"",
            "include: [\"model/**\"]",
            "restored-model"));
    assertThat(s.awaitRestore("model-folder").get("phase")).isEqualTo("Succeeded");
    Map<String, String> expected = new TreeMap<>(first);
    expected.keySet().removeIf(k -> !k.startsWith("model/"));
    assertThat(expected).hasSize(2);
    assertThat(Pods.hashes(s.ns, "hash-model", "restored-model")).isEqualTo(expected);
  }

  private static String restore(String ns, String name, String which, String include, String pvc) {
    return """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: %s, namespace: %s}
        spec:
          policyRef: {name: model-weights}
          %s
          %s
          target:
            pvc: %s
            createPVC: {size: 1Gi}
        """
        .formatted(name, ns, which, include, pvc);
  }
}
