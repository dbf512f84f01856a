package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.it.S3Servers;
import dev.arca.samples.LlmTrees;
import dev.arca.samples.TreeDigest;
import dev.arca.testcluster.cluster.LocalCluster;
import dev.arca.testcluster.cluster.Tools;
import dev.arca.testcluster.node.NodeTools;
import dev.arca.testcluster.node.RealNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real-node tier's main scenario with Arca's own image: a local control plane plus a {@link
 * RealNode} (containerd, runc, CNI, kubelet, kube-proxy), the image built by Jib
 * (operator/image/target/arca-image.tar) imported into containerd, the chart installed with the
 * README's own install commands (only the image differs), then a backup of an LLM-like tree to
 * MinIO, a change, an incremental backup and a restore into a new PVC, compared file by file
 * (SHA-256). The operator and every Job run as containers of that image under the real kubelet.
 *
 * <p>MinIO runs on the host's loopback and is bridged into the node's network namespace ({@link
 * RealNode#exposeHostPort}): pods reach it at the node IP, nothing reaches any other address.
 * Volumes are static hostPath volumes in the node's folder ({@link NodeVolumes}) until the node has
 * a CSI driver.
 */
class RealNodeBackupRestoreTest {
  private static final String NS = "llm";
  private static final String OPERATOR_NS = "arca-system";
  private static final String IMAGE_REPOSITORY = "arca";
  private static final String IMAGE_TAG = "dev";
  private static final String README_HELM_INSTALL =
      "helm install arca helm/arca -n arca-system --create-namespace";
  private static final Duration STEP = Duration.ofMinutes(4);

  private final Map<String, String> times = new LinkedHashMap<>();
  private final Map<String, Pod> jobPods = new TreeMap<>();
  private final Map<String, Job> jobs = new TreeMap<>();
  private LocalCluster cluster;
  private RealNode node;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void theChartsOperatorBacksUpAndRestoresAVolumeOnARealNode() throws Exception {
    String base = System.getProperty("arca.image.base", "");
    assumeTrue(
        !base.isEmpty() && !base.startsWith("${"),
        "the real-node tier runs Arca's image, which is built only when -Darca.image.base is given"
            + " (README, \"The image\"; .ci/test gives it): skipped");
    Path archive = Cluster.CHECKOUT.resolve("operator/image/target/arca-image.tar");
    assertThat(archive).as("the image operator/image builds with -Darca.image.base").exists();
    Optional<String> lacks = NodeTools.hostLacks();
    assumeTrue(lacks.isEmpty(), () -> "this host cannot run a real node: it lacks " + lacks.get());
    NodeTools.find();
    Path helm = helm();

    Instant t0 = Instant.now();
    try (LocalCluster c = LocalCluster.start();
        RealNode n = RealNode.start(c)) {
      cluster = c;
      node = n;
      times.put("control plane and node Ready", ms(Duration.between(t0, Instant.now())));
      times.put("node Ready (RealNode.start)", ms(n.readyAfter()));
      Instant t = Instant.now();
      n.importImage(archive);
      times.put("image import", ms(Duration.between(t, Instant.now())));
      try {
        scenario(c, n, helm);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            e.getMessage()
                + "\n--- diagnostics\n"
                + Diagnostics.dump(c, NS, OPERATOR_NS)
                + "\n--- kubelet's log ends\n"
                + n.logTail("kubelet", 40),
            e);
      } finally {
        System.out.println("real node times: " + times);
      }
    }
  }

  private void scenario(LocalCluster c, RealNode n, Path helm) throws Exception {
    KubernetesClient client = c.client();

    // The README's install block, run as written with the built image's name.
    Instant t = Instant.now();
    String install = ReadmeTest.blocks().get("install");
    assertThat(install).contains(README_HELM_INSTALL);
    install =
        install.replace(
            README_HELM_INSTALL,
            README_HELM_INSTALL
                + " --set image.repository="
                + IMAGE_REPOSITORY
                + " --set image.tag="
                + IMAGE_TAG);
    bash(install, c, helm);
    times.put("helm install to operator Ready", ms(Duration.between(t, Instant.now())));
    Pod operator =
        client.pods().inNamespace(OPERATOR_NS).list().getItems().stream()
            .filter(p -> p.getMetadata().getName().startsWith("arca-"))
            .findFirst()
            .orElseThrow();
    Container oc = operator.getSpec().getContainers().get(0);
    assertThat(oc.getImage()).isEqualTo(IMAGE_REPOSITORY + ":" + IMAGE_TAG);
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

    // S3: MinIO on the host's loopback, bridged to the node IP; a bucket for the repository.
    String s3 = "http://" + n.exposeHostPort(S3Servers.minio().getPort());
    String bucket = S3Servers.newBucket(S3Servers.minio(), false);

    // The source volume with a small model in it, written on the node's disk.
    c.kubectl("create", "namespace", NS).orFail();
    NodeVolumes volumes = new NodeVolumes(client, n.dir());
    Path source = volumes.claim(NS, "model-weights");
    Files.createDirectories(source);
    LlmTrees.small(source, 1);
    Map<String, String> first = TreeDigest.of(source);
    assertThat(first).hasSize(43);

    apply(
        c,
        Steps.secretsYaml(
            NS,
            S3Servers.ACCESS_KEY,
            S3Servers.SECRET_KEY,
            "arca-repository-password",
            Steps.PASSWORD));
    apply(
        c,
        """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata:
          name: model-weights
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
            initialize: IfMissing
        """
            .formatted(NS, bucket, s3));
    t = Instant.now();
    Map<?, ?> last =
        await(
            "the first backup in the policy's status",
            () -> lastBackup(client),
            b -> b != null && b.get("snapshotId") != null);
    times.put("first backup (policy to status)", ms(Duration.between(t, Instant.now())));
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(first.size());
    await("1 Snapshot object", () -> snapshots(client), l -> l.size() == 1);

    // change the tree, then an incremental run
    Files.writeString(source.resolve("model/config.json"), "{\"hidden_size\": 1024}\n");
    Files.delete(source.resolve("datasets/chat été/part-7.jsonl"));
    Files.writeString(source.resolve("model/notes.txt"), "fine-tuned\n", StandardCharsets.UTF_8);
    Map<String, String> second = TreeDigest.of(source);
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
    times.put("second backup (policy to status)", ms(Duration.between(t, Instant.now())));
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(second.size());
    assertThat(((Number) last.get("unchangedFiles")).longValue()).isEqualTo(first.size() - 2);
    await("2 Snapshot objects", () -> snapshots(client), l -> l.size() == 2);

    // restore the latest snapshot into a new PVC (its volume is waiting for it)
    Path restored = volumes.provide(NS, "model-weights-copy");
    t = Instant.now();
    apply(
        c,
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: restore-model-weights-copy, namespace: %s}
        spec:
          policyRef: {name: model-weights}
          snapshot: latest
          target:
            pvc: model-weights-copy
            createPVC: {size: 1Gi}
        """
            .formatted(NS));
    Map<?, ?> restore =
        await(
            "the restore to end",
            () -> status(client, Steps.RESTORES, "restore-model-weights-copy"),
            s -> s != null && List.of("Succeeded", "Failed").contains(s.get("phase")));
    times.put("restore (request to status)", ms(Duration.between(t, Instant.now())));
    assertThat(restore.get("phase")).as("restore: %s", restore).isEqualTo("Succeeded");
    assertThat(TreeDigest.of(restored)).isEqualTo(second);

    // every Job ran as a container of the image with the chart's security context
    recordJobs(client);
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
    assertThat(jobPods).as("the Jobs' pods").hasSizeGreaterThanOrEqualTo(3);
    for (String pod : jobPods.keySet()) {
      String log = c.kubectl("logs", "-n", NS, pod).stdout();
      System.out.println("--- log of " + pod + "\n" + log);
      // the launcher shows the JVM's warnings: none on the image's own JRE
      assertThat(log).as("log of %s", pod).doesNotContain("[warning]");
    }
    for (Pod p : jobPods.values()) {
      Container jc = p.getSpec().getContainers().get(0);
      assertThat(jc.getImage()).as(p.getMetadata().getName()).isEqualTo("arca:dev");
      assertThat(jc.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(jc.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(p.getSpec().getSecurityContext().getRunAsUser()).isZero(); // jobs.runAsRoot
      assertThat(p.getSpec().getNodeName()).isEqualTo(RealNode.NAME);
    }
    unschedulable(c, s3, bucket);
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

  /** Remembers the Jobs and their pods as last seen (the operator may delete them later). */
  private void recordJobs(KubernetesClient client) {
    for (Job j : client.batch().v1().jobs().inNamespace(NS).list().getItems()) {
      jobs.put(j.getMetadata().getName(), j);
    }
    for (Pod p :
        client.pods().inNamespace(NS).withLabel("batch.kubernetes.io/job-name").list().getItems()) {
      jobPods.put(p.getMetadata().getName(), p);
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

  /**
   * Runs a README block with bash -euo pipefail from the checkout, kubectl and helm on the PATH.
   */
  private static void bash(String script, LocalCluster c, Path helm) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(List.of("bash", "-euo", "pipefail", "-c", script))
            .directory(Cluster.CHECKOUT.toFile())
            .redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", c.kubeconfig().toString());
    pb.environment()
        .put(
            "PATH",
            helm.getParent()
                + ":"
                + Tools.binary("kubectl").getParent()
                + ":"
                + System.getenv("PATH"));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(6, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    System.out.println("README install block:\n" + script + "\n" + text);
    assertThat(p.exitValue()).as("the README's install block; its output:\n%s", text).isZero();
  }

  /** helm, from .ci/go-tools.sh helm (built once and cached). */
  private static Path helm() throws Exception {
    Process p =
        new ProcessBuilder(Cluster.CHECKOUT.resolve(".ci/go-tools.sh").toString(), "helm")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(".ci/go-tools.sh helm").isZero();
    return Path.of(out.substring(out.lastIndexOf('\n') + 1));
  }

  private static String ms(Duration d) {
    return d.toMillis() + " ms";
  }
}
