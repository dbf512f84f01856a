package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.samples.LlmTrees;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hooks on a real node, exec'd by hook Jobs of Arca's image into a "trainer" pod through the
 * kubelet and containerd: a pause hook that leaves a marker in the volume before the backup reads
 * it, and a resume hook that removes it. With copyMethod Direct the trainer is paused for the whole
 * copy; with copyMethod Snapshot the resume hook starts as soon as the CSI snapshot is cut, before
 * the copy ends. A before hook that fails takes no backup and still resumes the trainer. The pause
 * of each run (status.hooks.pausedMs) is printed for the closing note.
 */
class RealNodeHooksTest {
  static final String NS = "hooks";

  private static final String HOOKS =
      """
      hooks:
        before:
          - name: pause-trainer
            podSelector: {app: trainer}
            command: [sh, -c, "%s"]
            timeoutSeconds: 30
        after:
          - name: resume-trainer
            podSelector: {app: trainer}
            command: [sh, -c, "rm -f /data/.paused && echo resumed"]
        """;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void theTrainerIsPausedForTheSnapshotNotForTheCopy() throws Exception {
    assumeTrue(Cluster.realNode(), "hooks run through the real node's exec");
    Steps s = new Steps(NS);
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket = s.initRepository("arca-repository-password");
    Path ckpt = s.pvc("ckpt");
    LlmTrees.model(ckpt.resolve("model"), LlmTrees.TINY, 4, 1);
    // 256 MiB of optimizer state: a copy that takes seconds, for the pauses to differ by
    try (var out = java.nio.file.Files.newOutputStream(ckpt.resolve("optimizer.bin"))) {
      java.util.Random r = new java.util.Random(23);
      byte[] b = new byte[1 << 20];
      for (int i = 0; i < 256; i++) {
        r.nextBytes(b);
        out.write(b);
      }
    }
    trainer();

    String pause = "date > /data/.paused && echo paused";
    s.policy(
        "direct",
        null,
        bucket,
        "arca-repository-password",
        "sources: [{pvc: ckpt}]\n" + HOOKS.formatted(pause));
    Map<?, ?> direct = done(s, "direct");
    assertThat(results(direct))
        .containsExactly(
            "before pause-trainer trainer-0 0 paused", "after resume-trainer trainer-0 0 resumed");
    assertThat(s.events("direct", "HooksSucceeded")).hasSize(2);
    assertThat(ls(s, "direct", bucket))
        .as("the before hook ran before the backup read the volume")
        .contains("ckpt/.paused");

    s.policy(
        "snapshot",
        null,
        bucket,
        "arca-repository-password",
        "sources: [{pvc: ckpt, copyMethod: Snapshot}]\n" + HOOKS.formatted(pause));
    Map<?, ?> snap = done(s, "snapshot");
    Map<?, ?> last =
        s.await(
            "the snapshot policy's backup, after its hooks",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "snapshot").get("lastBackup"),
            b -> b != null);
    assertThat(Instant.parse(snap.get("afterStarted").toString()))
        .as("the trainer resumed before the copy ended")
        .isBefore(Instant.parse(last.get("completionTime").toString()));
    System.out.printf(
        "hooks: the trainer was paused %s ms with copyMethod Direct, %s ms with Snapshot%n",
        direct.get("pausedMs"), snap.get("pausedMs"));

    s.policy(
        "failing",
        null,
        bucket,
        "arca-repository-password",
        "sources: [{pvc: ckpt}]\n" + HOOKS.formatted("echo cannot pause >&2; exit 3"));
    Map<?, ?> failing = done(s, "failing");
    assertThat(results(failing))
        .containsExactly(
            "before pause-trainer trainer-0 3 cannot pause",
            "after resume-trainer trainer-0 0 resumed");
    Map<?, ?> failure = (Map<?, ?>) s.status(Steps.POLICIES, "failing").get("lastFailure");
    assertThat(failure.get("reason")).isEqualTo("HookFailed");
    assertThat(failure.get("message").toString()).contains("exit code 3");
    assertThat(s.snapshots("failing")).as("no backup after a failed before hook").isEmpty();
  }

  /** The trainer: a pod of the image with the volume at /data, label app=trainer. */
  private static void trainer() {
    Cluster.get()
        .client()
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder(Pods.pod(NS, "trainer-0", List.of("sleep", "3600"), List.of(), "ckpt"))
                .editMetadata()
                .addToLabels("app", "trainer")
                .endMetadata()
                .build())
        .create();
    Cluster.get()
        .client()
        .pods()
        .inNamespace(NS)
        .withName("trainer-0")
        .waitUntilCondition(
            p -> p != null && "Running".equals(p.getStatus().getPhase()), 120, TimeUnit.SECONDS);
  }

  /** The policy's hooks once done (after hooks ended). */
  private static Map<?, ?> done(Steps s, String policy) {
    Instant t = Instant.now();
    Map<?, ?> hooks =
        s.await(
            "the hooks of " + policy + " to be done",
            () -> {
              Map<?, ?> st = s.status(Steps.POLICIES, policy);
              return st == null ? null : (Map<?, ?>) st.get("hooks");
            },
            h -> h != null && "Done".equals(h.get("phase")));
    System.out.printf(
        "hooks: %s done %d ms after the policy was applied: %s%n",
        policy, Duration.between(t, Instant.now()).toMillis(), hooks);
    return hooks;
  }

  /** Each result as "phase name pod exitCode output". */
  private static List<String> results(Map<?, ?> hooks) {
    return ((List<?>) hooks.get("results"))
        .stream()
            .map(r -> (Map<?, ?>) r)
            .map(
                r ->
                    r.get("phase")
                        + " "
                        + r.get("name")
                        + " "
                        + r.get("pod")
                        + " "
                        + r.get("exitCode")
                        + " "
                        + String.valueOf(r.get("output")).strip())
            .toList();
  }

  /** The paths of the policy's newest snapshot, from its Snapshot object's Job (arca ls). */
  private static String ls(Steps s, String policy, String bucket) {
    s.awaitSnapshots(policy, 1);
    Map<?, ?> last = // the Snapshot object is made before the status is written
        s.await(
            "the last backup of " + policy + " in its status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, policy).get("lastBackup"),
            b -> b != null);
    return Pods.run(
        NS,
        "ls-" + policy,
        List.of("arca", "ls", last.get("snapshotId").toString()),
        s.repositoryEnv(bucket, "arca-repository-password"),
        null);
  }
}
