package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.it.S3Servers;
import dev.arca.samples.LlmTrees;
import dev.arca.samples.TreeDigest;
import dev.arca.testcluster.cluster.LocalCluster;
import dev.arca.testcluster.node.RealNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real-node tier's main scenario with Arca's own image ({@link RealNodeCluster}: a real
 * kubelet, containerd, CNI and CSI storage; the chart installed by the README's install block with
 * the built image): the README's "back up a PVC and restore it" blocks run as written, then a
 * change, an incremental backup and a restore of it into another new PVC, every restored volume
 * compared with its source file by file (SHA-256). The operator and every Job run as containers of
 * that image under the real kubelet, on volumes the CSI driver provisioned.
 *
 * <p>The README's blocks need an S3 endpoint that the {@code arca} CLI on "your machine" and the
 * pods both reach: MinIO runs on the host's loopback, bridged to the node IP for the pods, and the
 * {@code arca} on the blocks' PATH runs the CLI inside the node's network namespace, where that
 * address is. That, the bucket and the image are the only parameters.
 */
class RealNodeBackupRestoreTest {
  private static final String NS = "llm";
  private static final String OPERATOR_NS = Cluster.OPERATOR_NAMESPACE;
  private static final Duration STEP = Duration.ofMinutes(4);

  private final Map<String, String> times = new LinkedHashMap<>();
  private final Map<String, Pod> jobPods = new TreeMap<>();
  private final Map<String, Job> jobs = new TreeMap<>();
  private LocalCluster cluster;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void theChartsOperatorBacksUpAndRestoresAVolumeOnARealNode() throws Exception {
    assumeTrue(
        Cluster.realNode(),
        "the real-node scenario runs in the e2e pom's real-node execution (-Darca.e2e.realnode)");
    Cluster.operator(); // the README's install block, with the built image
    RealNodeCluster r = Cluster.node();
    cluster = r.cluster();
    try {
      scenario(cluster, r);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          e.getMessage()
              + "\n--- diagnostics\n"
              + Diagnostics.dump(cluster, NS, OPERATOR_NS)
              + "\n"
              + r.state(),
          e);
    } finally {
      System.out.println("real node scenario times: " + times);
    }
  }

  private void scenario(LocalCluster c, RealNodeCluster r) throws Exception {
    KubernetesClient client = c.client();
    Pod operator =
        client.pods().inNamespace(OPERATOR_NS).list().getItems().stream()
            .filter(p -> p.getMetadata().getName().startsWith("arca-"))
            .findFirst()
            .orElseThrow();
    Container oc = operator.getSpec().getContainers().get(0);
    assertThat(oc.getImage()).isEqualTo(RealNodeCluster.IMAGE);
    assertThat(operator.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(oc.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
    assertThat(operator.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
    // the launcher gave the JVM the class data sharing archive made at build time, and the JVM
    // mapped it (the launcher turns CDS warnings off, so a refused archive would be silent)
    String maps =
        c.kubectl(
                "exec",
                "-n",
                OPERATOR_NS,
                operator.getMetadata().getName(),
                "--",
                "sh",
                "-c",
                "tr '\\0' ' ' </proc/1/cmdline; echo; grep -m1 arca.jsa /proc/1/maps || true")
            .orFail()
            .stdout();
    System.out.println("operator's JVM (pid 1):\n" + maps);
    assertThat(maps)
        .contains("-XX:SharedArchiveFile=/opt/arca/arca.jsa")
        .contains("/opt/arca/arca.jsa\n");

    // The README's backup and restore blocks, as written.
    String s3 = "http://" + r.podAddress(S3Servers.minio().getPort());
    String bucket = S3Servers.newBucket(S3Servers.minio(), false);
    Map<String, String> env =
        Map.of(
            "S3_ENDPOINT",
            s3,
            "BUCKET",
            bucket,
            "AWS_ACCESS_KEY_ID",
            S3Servers.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            S3Servers.SECRET_KEY,
            "AWS_REGION",
            "us-east-1");
    Map<String, String> blocks = ReadmeTest.blocks();
    Instant t = Instant.now();
    try {
      String out =
          r.bash(blocks.get("backup") + blocks.get("restore"), env, List.of(cliOnPodNetwork(r)));
      System.out.println("README backup and restore blocks:\n" + out);
    } finally {
      Files.deleteIfExists(Cluster.CHECKOUT.resolve("repository-password"));
    }
    times.put("README backup and restore blocks", ms(Duration.between(t, Instant.now())));
    Path source = r.volumeFolder(NS, "model-weights");
    Map<String, String> first = TreeDigest.of(source);
    assertThat(first).hasSize(7);
    assertThat(TreeDigest.of(r.volumeFolder(NS, "model-weights-copy"))).isEqualTo(first);
    Map<?, ?> last = lastBackup(client);
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(first.size());

    // change the tree (unicode names among the new files), then an incremental run
    Files.writeString(source.resolve("model/config.json"), "{\"hidden_size\": 1024}\n");
    Files.delete(source.resolve("checkpoints/step-100/optimizer.bin"));
    LlmTrees.small(source.resolve("llm"), 1);
    Map<String, String> second = TreeDigest.of(source);
    assertThat(second.keySet()).anyMatch(k -> k.contains("été"));
    c.kubectl(
            "annotate", "--overwrite", "-n", NS, "backuppolicy/model-weights", "arca.dev/run-now=2")
        .orFail();
    Object firstId = last.get("snapshotId");
    t = Instant.now();
    last =
        await(
            "the second backup in the policy's status",
            () -> lastBackup(client),
            b -> b != null && !firstId.equals(b.get("snapshotId")));
    times.put("incremental backup (annotation to status)", ms(Duration.between(t, Instant.now())));
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(second.size());
    assertThat(((Number) last.get("unchangedFiles")).longValue()).isEqualTo(first.size() - 2);
    await("2 Snapshot objects", () -> snapshots(client), l -> l.size() == 2);

    // restore the latest snapshot into another new PVC, provisioned by the CSI driver
    t = Instant.now();
    apply(
        c,
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: restore-model-weights-v2, namespace: %s}
        spec:
          policyRef: {name: model-weights}
          snapshot: latest
          target:
            pvc: model-weights-v2
            createPVC: {size: 1Gi}
        """
            .formatted(NS));
    Map<?, ?> restore =
        await(
            "the restore to end",
            () -> status(client, Steps.RESTORES, "restore-model-weights-v2"),
            st -> st != null && List.of("Succeeded", "Failed").contains(st.get("phase")));
    times.put("restore (request to status)", ms(Duration.between(t, Instant.now())));
    assertThat(restore.get("phase")).as("restore: %s", restore).isEqualTo("Succeeded");
    assertThat(TreeDigest.of(r.volumeFolder(NS, "model-weights-v2"))).isEqualTo(second);

    checkJobs(c);
    unschedulable(c, s3, bucket);
  }

  /**
   * A folder with an {@code arca} that runs the CLI this build made inside the node's network
   * namespace, where the pods' address of MinIO is (as on a machine of the pods' network).
   */
  private static Path cliOnPodNetwork(RealNodeCluster r) throws Exception {
    Path bin = Files.createDirectories(r.cluster().dir().resolve("readme-bin"));
    Path launcher = Cluster.CHECKOUT.resolve("operator/cli/target/arca").toAbsolutePath();
    String command =
        r.node().inNodeNetwork(List.of(launcher.normalize().toString())).stream()
            .map(a -> "'" + a + "'")
            .collect(Collectors.joining(" "));
    Path arca = bin.resolve("arca");
    Files.writeString(arca, "#!/bin/sh\nexec " + command + " \"$@\"\n");
    Files.setPosixFilePermissions(arca, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  /** Every Job ran as a container of the image with the chart's security context, no warning. */
  private void checkJobs(LocalCluster c) {
    recordJobs(c.client());
    jobs.forEach(
        (name, j) -> {
          if (j.getStatus() != null
              && j.getStatus().getStartTime() != null
              && j.getStatus().getCompletionTime() != null) {
            times.put(
                "Job " + name,
                ms(
                    Duration.between(
                        Instant.parse(j.getStatus().getStartTime()),
                        Instant.parse(j.getStatus().getCompletionTime()))));
          }
        });
    assertThat(jobPods).as("the Jobs' pods").hasSizeGreaterThanOrEqualTo(4);
    for (String pod : jobPods.keySet()) {
      String log = c.kubectl("logs", "-n", NS, pod).stdout();
      System.out.println("--- log of " + pod + "\n" + log);
      // the launcher shows the JVM's warnings: none on the image's own JRE
      assertThat(log).as("log of %s", pod).doesNotContain("[warning]");
    }
    for (Pod p : jobPods.values()) {
      Container jc = p.getSpec().getContainers().get(0);
      assertThat(jc.getImage()).as(p.getMetadata().getName()).isEqualTo(RealNodeCluster.IMAGE);
      assertThat(jc.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(jc.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(p.getSpec().getSecurityContext().getRunAsUser()).isZero(); // jobs.runAsRoot
      assertThat(p.getSpec().getNodeName()).isEqualTo(RealNode.NAME);
    }
  }

  /**
   * A fault only a real scheduler shows: a Job whose nodeSelector matches no node fails its run
   * with PodCannotStart, naming the scheduler's reason, within its startTimeoutSeconds and one
   * reconcile period, instead of showing as running for ever; its Job is deleted.
   */
  private void unschedulable(LocalCluster c, String s3, String bucket) throws Exception {
    KubernetesClient client = c.client();
    apply(
        c,
        """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata:
          name: unschedulable
          namespace: %s
          annotations: {arca.dev/run-now: "1"}
        spec:
          schedule: "0 3 1 1 *"
          sources: [{pvc: model-weights}]
          repository:
            url: s3://%s/models
            s3: {endpoint: "%s", region: us-east-1}
            credentialsSecretRef: {name: minio-credentials}
            passwordSecretRef: {name: arca-repository-password, key: password}
          job:
            nodeSelector: {arca.test/no-such-node: "true"}
            startTimeoutSeconds: 20
        """
            .formatted(NS, bucket, s3));
    Instant t = Instant.now();
    Map<?, ?> failure =
        await(
            "the unschedulable run to fail",
            () -> {
              Map<?, ?> st = status(client, Steps.POLICIES, "unschedulable");
              return st == null ? null : (Map<?, ?>) st.get("lastFailure");
            },
            f -> f != null);
    Duration took = Duration.between(t, Instant.now());
    times.put("unschedulable run to PodCannotStart", ms(took));
    assertThat(failure.get("reason")).as("%s", failure).isEqualTo("PodCannotStart");
    assertThat(failure.get("message").toString())
        .contains("did not start within 20 s", "not scheduled");
    assertThat(took).isLessThan(Duration.ofSeconds(20 + 15 + 60));
    assertThat(
            c.kubectl(
                    "get",
                    "events",
                    "-n",
                    NS,
                    "--field-selector",
                    "involvedObject.name=unschedulable,reason=PodCannotStart",
                    "-o",
                    "name")
                .orFail()
                .stdout())
        .isNotBlank();
    await(
        "the unschedulable run's Job deleted",
        () ->
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withLabel("arca.dev/policy", "unschedulable")
                .list()
                .getItems(),
        List::isEmpty);
  }

  private Map<?, ?> lastBackup(KubernetesClient client) {
    Map<?, ?> s = status(client, Steps.POLICIES, "model-weights");
    return s == null ? null : (Map<?, ?>) s.get("lastBackup");
  }

  private List<GenericKubernetesResource> snapshots(KubernetesClient client) {
    return client.genericKubernetesResources(Steps.SNAPSHOTS).inNamespace(NS).list().getItems();
  }

  private static Map<?, ?> status(
      KubernetesClient client, ResourceDefinitionContext kind, String name) {
    GenericKubernetesResource r =
        client.genericKubernetesResources(kind).inNamespace(NS).withName(name).get();
    return r == null ? null : (Map<?, ?>) r.getAdditionalProperties().get("status");
  }

  /** Whether these labels are those of an Arca Job (not the README's example writer Job). */
  private static boolean arcas(Map<String, String> labels) {
    return labels != null && labels.keySet().stream().anyMatch(k -> k.startsWith("arca.dev/"));
  }

  /** Remembers the Jobs and their pods as last seen (the operator may delete them later). */
  private void recordJobs(KubernetesClient client) {
    for (Job j : client.batch().v1().jobs().inNamespace(NS).list().getItems()) {
      if (arcas(j.getMetadata().getLabels())) {
        jobs.put(j.getMetadata().getName(), j);
      }
    }
    for (Pod p :
        client.pods().inNamespace(NS).withLabel("batch.kubernetes.io/job-name").list().getItems()) {
      if (arcas(p.getMetadata().getLabels())) {
        jobPods.put(p.getMetadata().getName(), p);
      }
    }
  }

  /** Polls until {@code done} holds, at most {@link #STEP}; records the Jobs as it goes. */
  private <T> T await(String what, Supplier<T> get, Predicate<T> done) throws Exception {
    Instant end = Instant.now().plus(STEP);
    while (true) {
      recordJobs(cluster.client());
      T v = get.get();
      if (done.test(v)) {
        return v;
      }
      if (Instant.now().isAfter(end)) {
        throw new AssertionError(
            "timed out after " + STEP.toSeconds() + " s waiting for " + what + "; last seen: " + v);
      }
      TimeUnit.SECONDS.sleep(1);
    }
  }

  private static void apply(LocalCluster c, String yaml) throws Exception {
    Path f = Files.createTempFile(c.dir(), "manifest-", ".yaml");
    Files.writeString(f, yaml);
    c.kubectl("apply", "-f", f.toString()).orFail();
  }

  private static String ms(Duration d) {
    return d.toMillis() + " ms";
  }
}
