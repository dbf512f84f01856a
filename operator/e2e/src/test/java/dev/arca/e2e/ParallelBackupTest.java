package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.testcluster.kubelet.KubeletStandIn;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Backup runs in parts on the real API server (issue 24): a policy over two ReadWriteOnce volumes
 * in use on two nodes runs one Job on each node, and a policy with {@code parallelism: 3} over a
 * ReadWriteMany volume splits its files across three Jobs; each run makes one snapshot that
 * restores byte for byte. A part killed midway leaves no snapshot, and the next run reuses what the
 * other parts stored.
 */
@Isolated // a second node joins the cluster while it runs
class ParallelBackupTest {
  private static final String NODE_2 = "node-2";

  /** Two files of 65 MiB (dealt out by size) and a tree of small ones, written by a pod. */
  private static final String LARGE_SH =
      Trees.LLM_SH
          + """
          llm /data 3
          mkdir -p /data/shards
          for i in 1 2; do head -c 68157440 /dev/urandom > /data/shards/model-0000$i.bin; done
          """;

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

  private static void restore(Steps s, String name, String policy, String sourcePvc, String to) {
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

  private static List<Job> partJobs(Steps s, String policy) {
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
      Map<?, ?> st = s.status(Steps.POLICIES, "fleet");
      Map<?, ?> last = (Map<?, ?>) st.get("lastBackup");
      assertThat(((Number) last.get("files")).longValue()).isEqualTo(a.size() + b.size());
      assertThat(st.get("parts")).as("cleared when the run ended").isNull();
      List<Job> parts = partJobs(s, "fleet");
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

      restore(s, "back-a", "fleet", "weights-a", "restored-a");
      restore(s, "back-b", "fleet", "weights-b", "restored-b");
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
    Map<?, ?> last = (Map<?, ?>) s.status(Steps.POLICIES, "split").get("lastBackup");
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
}
