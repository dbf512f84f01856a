package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Training checkpoints end to end: a policy that names its checkpoint folders stores only the
 * complete ones (the incomplete one is in the status and a Warning Event), the Snapshot objects
 * list the steps, and a RestoreRequest with {@code checkpoint: latest} (checked first) brings back
 * exactly the newest checkpoint's folder at its path in a new volume.
 */
class CheckpointTest {
  /** A Hugging Face Trainer checkpoint's weights (valid safetensors) at {@code dir}. */
  private static String weights(String dir, int seed) {
    return "llm /tmp/m"
        + seed
        + " "
        + seed
        + "\nmkdir -p "
        + dir
        + "\ncp /tmp/m"
        + seed
        + "/model/model-00001-of-00001.safetensors "
        + dir
        + "/model.safetensors\n";
  }

  @Test
  void onlyWholeCheckpointsAreStoredAndTheNewestComesBackAlone() throws Exception {
    Steps s = new Steps("ckpt");
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket = s.initRepository("arca-repository-password");
    s.claim("train");
    String run = "/data/runs/a";
    Pods.shell(
        s.ns,
        "write-checkpoints",
        Trees.LLM_SH
            + weights(run + "/checkpoint-100", 1)
            + "printf '{\"global_step\": 100}' > "
            + run
            + "/checkpoint-100/trainer_state.json\n"
            + weights(run + "/checkpoint-200", 2), // its trainer_state.json not yet written
        "train");
    s.policy(
        "train",
        "train",
        bucket,
        "arca-repository-password",
        "sources: [{pvc: train, checkpoints: {paths: [\"runs/*/checkpoint-*\"]}}]");
    s.awaitSnapshots("train", 1);
    Map<?, ?> first =
        s.await(
            "the first backup in the policy's status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "train").get("lastBackup"),
            b -> b != null);
    assertThat(((Number) first.get("checkpoints")).longValue()).isEqualTo(1);
    assertThat(first.get("checkpointsSkipped").toString())
        .contains("path=train/runs/a/checkpoint-200")
        .contains("no completion marker of a known writer");
    assertThat(s.events("train", "CheckpointsSkipped")).hasSize(1);
    assertThat(checkpoints(s.snapshots("train").get(0)))
        .isEqualTo("[train/runs/a/checkpoint-100@100]");

    Pods.shell(
        s.ns,
        "finish-checkpoint",
        "printf '{\"global_step\": 200}' > " + run + "/checkpoint-200/trainer_state.json\n",
        "train");
    Map<String, String> source = Pods.hashes(s.ns, "hash-source", "train");
    s.runNow("train", "2");
    s.awaitSnapshots("train", 2);
    Object firstId = first.get("snapshotId");
    Map<?, ?> second =
        s.await(
            "the second backup in the policy's status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "train").get("lastBackup"),
            b -> b != null && !firstId.equals(b.get("snapshotId")));
    assertThat(((Number) second.get("checkpoints")).longValue()).isEqualTo(2);
    assertThat(second.get("checkpointsSkipped")).isNull();

    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: resume, namespace: %s}
        spec:
          policyRef: {name: train}
          checkpoint: latest
          verifyBeforeRestore: true
          target:
            pvc: resume
            createPVC: {size: 1Gi}
        """
            .formatted(s.ns));
    Map<?, ?> restored = s.awaitRestore("resume");
    assertThat(restored.get("phase")).as("%s", restored).isEqualTo("Succeeded");
    assertThat(restored.get("checkpoint").toString())
        .contains("path=train/runs/a/checkpoint-200", "step=200");
    assertThat(restored.get("snapshotId")).isEqualTo(second.get("snapshotId"));
    Map<String, String> expected = new TreeMap<>(source);
    expected.keySet().removeIf(k -> !k.startsWith("runs/a/checkpoint-200/"));
    assertThat(expected).hasSize(2);
    assertThat(Pods.hashes(s.ns, "hash-resume", "resume")).isEqualTo(expected);
  }

  /** The checkpoints a Snapshot object lists, as path@step. */
  private static String checkpoints(GenericKubernetesResource snapshot) {
    Map<?, ?> spec = (Map<?, ?>) snapshot.getAdditionalProperties().get("spec");
    List<?> list = (List<?>) spec.get("checkpoints");
    return list.stream()
        .map(c -> (Map<?, ?>) c)
        .map(c -> c.get("path") + "@" + c.get("step"))
        .toList()
        .toString();
  }
}
