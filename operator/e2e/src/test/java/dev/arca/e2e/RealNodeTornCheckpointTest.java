package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Torn writes on a real node: a trainer pod writes six Hugging Face Trainer checkpoints slowly
 * (each safetensors shard in four pieces half a second apart, the shard index after the shards,
 * trainer_state.json last) while two policies back the volume up every few seconds, one reading the
 * live volume (copyMethod Direct), one a CSI snapshot of it (copyMethod Snapshot). Every snapshot
 * either policy wrote is then listed: a checkpoint folder in it is always whole (both shards at
 * their full size, the index, trainer_state.json), the Snapshot objects name exactly those folders,
 * and the last snapshots hold all six. With the CSI snapshot no checkpoint is ever left out for
 * changing while it was read.
 */
class RealNodeTornCheckpointTest {
  private static final String NS = "torn";

  /** The shards' header, and their full size: 8 bytes of length, the header, 256 KiB of data. */
  private static final String HEADER =
      "{\"w\":{\"dtype\":\"BF16\",\"shape\":[131072],\"data_offsets\":[0,262144]}}";

  private static final long SHARD = 8 + HEADER.length() + 262144;

  private static final String WRITER =
      """
      st() {
        h='%s'
        n=${#h}
        {
          printf "$(printf '\\\\%%03o\\\\%%03o' $((n %% 256)) $((n / 256)))"
          printf '\\000\\000\\000\\000\\000\\000%%s' "$h"
        } > "$1"
        for q in 1 2 3 4; do head -c 65536 /dev/urandom >> "$1"; sleep 0.5; done
      }
      for s in 1 2 3 4 5 6; do
        d=/data/runs/a/checkpoint-$((s * 100))
        mkdir -p "$d"
        st "$d/model-00001-of-00002.safetensors"
        st "$d/model-00002-of-00002.safetensors"
        i='{"metadata": {}, "weight_map": {"w": "model-00001-of-00002.safetensors", '
        printf '%%s"v": "model-00002-of-00002.safetensors"}}' "$i" > "$d/model.safetensors.index.json"
        printf '{"global_step": %%s}' $((s * 100)) > "$d/trainer_state.json"
      done
      echo written
      """
          .formatted(HEADER);

  private static final String CHECKPOINTS = "checkpoints: {paths: [\"runs/*/checkpoint-*\"]}";

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void noSnapshotEverHoldsAnIncompleteCheckpoint() throws Exception {
    assumeTrue(Cluster.realNode(), "CSI snapshots need the real node");
    Steps s = new Steps(NS);
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket = s.initRepository("arca-repository-password");
    s.pvc("train");
    var pods = Cluster.get().client().pods().inNamespace(NS);
    pods.resource(
            Pods.pod(NS, "trainer", List.of("sh", "-c", "set -eu\n" + WRITER), List.of(), "train"))
        .create();
    s.policy(
        "direct",
        null,
        bucket,
        "arca-repository-password",
        "sources: [{pvc: train, " + CHECKPOINTS + "}]");
    s.policy(
        "snap",
        null,
        bucket,
        "arca-repository-password",
        "sources: [{pvc: train, copyMethod: Snapshot, " + CHECKPOINTS + "}]");
    int asked = 1;
    while (!ended(pods.withName("trainer").get())) {
      TimeUnit.SECONDS.sleep(4);
      asked++;
      s.runNow("direct", "" + asked);
      s.runNow("snap", "" + asked);
    }
    assertThat(pods.withName("trainer").get().getStatus().getPhase()).isEqualTo("Succeeded");
    s.runNow("direct", "final");
    s.runNow("snap", "final");
    for (String policy : List.of("direct", "snap")) {
      s.await(
          "the final run of " + policy,
          () -> s.status(Steps.POLICIES, policy),
          st ->
              st != null
                  && "final".equals(st.get("lastRunNowRequest"))
                  && st.get("activeJob") == null
                  && st.get("snapshotWait") == null);
    }

    Map<String, List<GenericKubernetesResource>> byPolicy = new TreeMap<>();
    List<String> ids = new ArrayList<>();
    for (String policy : List.of("direct", "snap")) {
      byPolicy.put(policy, s.snapshots(policy));
      byPolicy.get(policy).forEach(snap -> ids.add(snapshotId(snap)));
    }
    Map<String, JsonNode> listed = list(s, bucket, ids);
    for (String policy : List.of("direct", "snap")) {
      List<GenericKubernetesResource> snaps = byPolicy.get(policy);
      Map<String, List<String>> held = new TreeMap<>();
      for (GenericKubernetesResource snap : snaps) {
        String id = snapshotId(snap);
        held.put(id.substring(0, 8), checkpointsOf(listed.get(id), id, snap));
      }
      System.out.printf(
          "torn writes, %s: %d snapshots, checkpoints each held: %s%n", policy, snaps.size(), held);
      assertThat(snaps.size())
          .as("backups taken while the trainer wrote")
          .isGreaterThanOrEqualTo(3);
      assertThat(held.values()).as("the final snapshot holds all six").anyMatch(l -> l.size() == 6);
    }
    int skipped =
        s.events("direct", "CheckpointsSkipped").size()
            + s.events("snap", "CheckpointsSkipped").size();
    System.out.printf("torn writes: %d runs left a checkpoint being written out%n", skipped);
    assertThat(skipped).as("some backups met a checkpoint being written").isPositive();
    assertThat(s.events("snap", "CheckpointsSkipped"))
        .as("a CSI snapshot does not change while it is read")
        .noneMatch(e -> e.getMessage().contains("changed while"));
  }

  private static boolean ended(Pod p) {
    return p != null
        && p.getStatus() != null
        && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase());
  }

  private static String snapshotId(GenericKubernetesResource snap) {
    return ((Map<?, ?>) snap.getAdditionalProperties().get("spec")).get("snapshotId").toString();
  }

  /**
   * The entries of each snapshot of {@code ids} ({@code arca ls --json} of each, one after the
   * other in one pod: a pod per snapshot made this test the last of its tier to end).
   */
  private static Map<String, JsonNode> list(Steps s, String bucket, List<String> ids)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", "-c", LIST, "sh"));
    command.addAll(ids);
    String log =
        Pods.run(NS, "ls-all", command, s.repositoryEnv(bucket, "arca-repository-password"), null);
    Map<String, JsonNode> out = new TreeMap<>();
    String id = null;
    for (String line : log.lines().toList()) {
      if (line.startsWith("== ")) {
        id = line.substring(3).strip();
      } else if (id != null && line.startsWith("{")) {
        out.put(id, new ObjectMapper().readTree(line).path("entries"));
      }
    }
    assertThat(out.keySet()).as("snapshots listed").containsExactlyInAnyOrderElementsOf(ids);
    return out;
  }

  /** Lists each snapshot named in its arguments, after a line naming it. */
  private static final String LIST =
      "set -e; for id in \"$@\"; do echo \"== $id\"; arca ls --json \"$id\"; done";

  /**
   * The checkpoint folders of snapshot {@code id} as {@code entries} lists them, each checked
   * whole; they must be those its Snapshot object names.
   */
  private static List<String> checkpointsOf(
      JsonNode entries, String id, GenericKubernetesResource snap) {
    Map<String, Map<String, Long>> folders = new TreeMap<>();
    for (JsonNode e : entries) {
      String path = e.path("path").asText();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("^(train/runs/a/checkpoint-\\d+)/([^/]+)$").matcher(path);
      if (m.matches()) {
        folders
            .computeIfAbsent(m.group(1), k -> new TreeMap<>())
            .put(m.group(2), e.path("size").asLong());
      }
    }
    for (var f : folders.entrySet()) {
      assertThat(f.getValue())
          .as("checkpoint folder %s in snapshot %s", f.getKey(), id)
          .containsEntry("model-00001-of-00002.safetensors", SHARD)
          .containsEntry("model-00002-of-00002.safetensors", SHARD)
          .containsKey("model.safetensors.index.json")
          .containsKey("trainer_state.json");
    }
    List<String> named = new ArrayList<>();
    Object listed = ((Map<?, ?>) snap.getAdditionalProperties().get("spec")).get("checkpoints");
    if (listed instanceof List<?> l) {
      l.forEach(c -> named.add(((Map<?, ?>) c).get("path").toString()));
    }
    assertThat(named)
        .as("the Snapshot object of %s", id)
        .containsExactlyInAnyOrderElementsOf(folders.keySet());
    return List.copyOf(folders.keySet());
  }
}
