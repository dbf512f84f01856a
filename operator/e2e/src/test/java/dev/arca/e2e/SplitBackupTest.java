package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A ReadWriteMany volume split across three Jobs (issue 24), on the real API server and, with the
 * image built, on the real node (kubelet, containerd, the CSI driver's ReadWriteMany volume): the
 * policy with {@code parallelism: 3} makes one snapshot per run, with a file larger than a share
 * cut into pieces that two Jobs store; it restores byte for byte, with one Job and with three Jobs
 * into one new ReadWriteMany volume. A part killed midway leaves no snapshot, and the next run
 * reuses what the other parts stored.
 */
class SplitBackupTest {
  /**
   * Two files of 65 MiB (dealt out by size), one of 200 MiB (larger than a share: cut into pieces
   * that two Jobs store) and a tree of small ones, written by a pod.
   */
  private static final String LARGE_SH =
      Trees.LLM_SH
          + """
          llm /data 3
          mkdir -p /data/shards
          for i in 1 2; do head -c 68157440 /dev/urandom > /data/shards/model-0000$i.bin; done
          head -c 209715200 /dev/urandom > /data/shards/consolidated.bin
          """;

  @Test
  void aReadWriteManyVolumeSplitInThreePartsRestoresExactlyAndAKilledPartIsRetried()
      throws Exception {
    Steps s = new Steps("parts-split");
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket = s.initRepository("arca-repository-password");
    s.apply(
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: checkpoints, namespace: %s}
        spec:
          accessModes: [ReadWriteMany]
          resources: {requests: {storage: 1Gi}}
        """
            .formatted(s.ns));
    Pods.shell(s.ns, "write", LARGE_SH, "checkpoints");
    Map<String, String> source = Pods.hashes(s.ns, "hash-source", "checkpoints");

    // the first run: part 1 is killed as soon as it runs
    s.policy(
        "split",
        "checkpoints",
        bucket,
        "arca-repository-password",
        "parallelism: 3\njob: {backoffLimit: 0}");
    Pod victim = awaitRunningPart(s, "split", 1);
    Cluster.get()
        .client()
        .pods()
        .inNamespace(s.ns)
        .withName(victim.getMetadata().getName())
        .withGracePeriod(0)
        .delete();
    Map<?, ?> failed = awaitFailure(s, "split");
    assertThat(String.valueOf(failed.get("reason"))).isEqualTo("BackupPartFailed");
    assertThat(String.valueOf(failed.get("message"))).contains("part 1 of 3", "no snapshot");
    assertThat(s.snapshots("split")).as("no snapshot from a run with a killed part").isEmpty();
    awaitPartsEnded(s, "split");

    // the retry: one snapshot, which restores exactly; the other parts' uploads are reused
    s.runNow("split", "2");
    s.awaitSnapshots("split", 1);
    Map<?, ?> last = // the Snapshot object is made before the status is written
        s.await(
            "the last backup of " + "split" + " in its status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "split").get("lastBackup"),
            b -> b != null);
    long bytes = ((Number) last.get("bytes")).longValue();
    long newBytes = ((Number) last.get("newBytes")).longValue();
    assertThat(newBytes)
        .as("the retry stored less than the files minus one large file: %s", last)
        .isLessThan(bytes - 60L * (1 << 20));
    restore(s, "back", "split", "checkpoints", "restored");
    assertThat(Pods.hashes(s.ns, "hash-restored", "restored")).isEqualTo(source);
    String table = Cluster.get().kubectl("get", "backuppolicies", "-n", s.ns).orFail().stdout();
    assertThat(table).contains("PARTS");

    // and back with three Jobs into one new ReadWriteMany volume
    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: wide, namespace: %s}
        spec:
          policyRef: {name: split}
          sourcePVC: checkpoints
          parallelism: 3
          target: {pvc: wide, createPVC: {size: 1Gi, accessModes: [ReadWriteMany]}}
        """
            .formatted(s.ns));
    Map<?, ?> wide = s.awaitRestore("wide");
    assertThat(wide.get("phase")).as("%s", wide).isEqualTo("Succeeded");
    assertThat(wide.get("partsDone")).isEqualTo("3/3");
    assertThat(((Number) wide.get("files")).longValue()).isEqualTo(source.size());
    assertThat(Pods.hashes(s.ns, "hash-wide", "wide")).isEqualTo(source);
    assertThat(Cluster.get().kubectl("get", "restorerequests", "-n", s.ns).orFail().stdout())
        .containsPattern("wide\\s+Succeeded.*3/3");
  }

  /** The pod of part {@code index} of the policy's running run, once it runs. */
  private static Pod awaitRunningPart(Steps s, String policy, int index) throws Exception {
    Instant end = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(end)) {
      for (Pod p :
          Cluster.get()
              .client()
              .pods()
              .inNamespace(s.ns)
              .withLabel("arca.dev/policy", policy)
              .withLabel("arca.dev/part", String.valueOf(index))
              .list()
              .getItems()) {
        if ("Running".equals(p.getStatus().getPhase())) {
          return p;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("part " + index + " of " + policy + " never ran");
  }

  private static Map<?, ?> awaitFailure(Steps s, String policy) throws Exception {
    Instant end = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(end)) {
      Map<?, ?> st = s.status(Steps.POLICIES, policy);
      if (st != null
          && st.get("lastFailure") instanceof Map<?, ?> f
          && st.get("activeJob") == null) {
        return f;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the run of "
            + policy
            + " did not fail; status "
            + s.status(Steps.POLICIES, policy)
            + "; part Jobs "
            + partJobs(s, policy).stream()
                .map(j -> j.getMetadata().getName() + " " + j.getStatus())
                .toList()
            + "; events "
            + Cluster.get().client().v1().events().inNamespace(s.ns).list().getItems().stream()
                .map(
                    e ->
                        e.getInvolvedObject().getName()
                            + ": "
                            + e.getReason()
                            + " "
                            + e.getMessage())
                .toList());
  }

  /** Waits until no part Job of the policy runs (the parts left running finish on their own). */
  private static void awaitPartsEnded(Steps s, String policy) throws Exception {
    Instant end = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(end)) {
      if (partJobs(s, policy).stream().allMatch(dev.arca.controller.JobOutcome::ended)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("parts of " + policy + " still run");
  }

  static void restore(Steps s, String name, String policy, String sourcePvc, String to) {
    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: %s, namespace: %s}
        spec:
          policyRef: {name: %s}
          sourcePVC: %s
          target: {pvc: %s, createPVC: {size: 1Gi}}
        """
            .formatted(name, s.ns, policy, sourcePvc, to));
    Map<?, ?> done = s.awaitRestore(name);
    assertThat(done.get("phase")).as("%s", done).isEqualTo("Succeeded");
  }

  static List<Job> partJobs(Steps s, String policy) {
    return Cluster.get()
        .client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(s.ns)
        .withLabel("arca.dev/policy", policy)
        .withLabel("arca.dev/run", "backup-part")
        .list()
        .getItems();
  }
}
