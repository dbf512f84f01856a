package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.e2e.cluster.LocalCluster;
import dev.arca.it.S3Servers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The user's path end to end: kubectl apply of Secrets, a BackupPolicy and RestoreRequests; the
 * chart's operator (a pod, under the chart's RBAC) runs backup and restore Jobs (pods of the arca
 * image) against MinIO; restored trees are compared file by file with the source.
 */
class BackupRestoreTest {
  static final String NS = "llm";
  static final ResourceDefinitionContext SNAPSHOTS = crd("snapshots", "Snapshot");
  static final ResourceDefinitionContext POLICIES = crd("backuppolicies", "BackupPolicy");
  static final ResourceDefinitionContext RESTORES = crd("restorerequests", "RestoreRequest");

  @Test
  void backupTwiceThenRestoreTheLatestAndOneFolderAsItWasBeforeTheSecondRun() throws Exception {
    Cluster.operator();
    LocalCluster c = Cluster.get();
    URI minio = S3Servers.minio();
    String bucket = S3Servers.newBucket(minio, false);
    Cluster.namespace(NS);
    apply(secrets());
    initRepository(minio, bucket);
    apply(pvc("model-weights"));
    waitBound("model-weights");
    Path source = Cluster.kubelet().claimFolder(NS, "model-weights");
    Trees.llm(source, 1);
    Map<String, String> first = Trees.hashes(source);

    apply(policy(minio, bucket, "1"));
    GenericKubernetesResource one = awaitSnapshots(1).get(0);
    assertThat(one.getAdditionalProperties().get("spec").toString()).contains("files");
    Map<?, ?> last = (Map<?, ?>) status(POLICIES, "model-weights").get("lastBackup");
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(first.size());
    Instant between = Instant.now();
    TimeUnit.SECONDS.sleep(2);

    // change the tree: rewrite the config, add a checkpoint, delete a dataset part
    Files.writeString(source.resolve("model/config.json"), "{\"hidden_size\": 1024}\n");
    Trees.llm(source.resolve("checkpoints/step-200"), 2);
    Files.delete(source.resolve("datasets/chat été/part-7.jsonl"));
    Map<String, String> second = Trees.hashes(source);
    c.kubectl(
            "annotate", "--overwrite", "-n", NS, "backuppolicy/model-weights", "arca.dev/run-now=2")
        .orFail();
    awaitSnapshots(2);

    apply(restore("latest", "snapshot: latest", "", "restored-latest"));
    awaitRestore("latest");
    assertThat(Trees.hashes(Cluster.kubelet().claimFolder(NS, "restored-latest")))
        .isEqualTo(second);

    apply(
        restore(
            "model-folder",
            "before: \"" + between + "\"",
            "include: [\"model/**\"]",
            "restored-model"));
    awaitRestore("model-folder");
    Map<String, String> expected = new TreeMap<>(first);
    expected.keySet().removeIf(k -> !k.startsWith("model/"));
    assertThat(Trees.hashes(Cluster.kubelet().claimFolder(NS, "restored-model")))
        .isEqualTo(expected);
  }

  private static String secrets() {
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: minio-credentials, namespace: llm}
        stringData: {AWS_ACCESS_KEY_ID: "%s", AWS_SECRET_ACCESS_KEY: "%s"}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: arca-repository-password, namespace: llm}
        stringData: {password: "e2e correct horse"}
        """
        .formatted(S3Servers.ACCESS_KEY, S3Servers.SECRET_KEY);
  }

  private static String pvc(String name) {
    return """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: %s, namespace: llm}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        """
        .formatted(name);
  }

  private static String policy(URI minio, String bucket, String runNow) {
    return """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata:
          name: model-weights
          namespace: llm
          annotations: {arca.dev/run-now: "%s"}
        spec:
          schedule: "0 3 1 1 *"
          sources: [{pvc: model-weights}]
          repository:
            url: s3://%s/models
            s3: {endpoint: "%s", region: us-east-1}
            credentialsSecretRef: {name: minio-credentials}
            passwordSecretRef: {name: arca-repository-password, key: password}
        """
        .formatted(runNow, bucket, minio);
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

  /** {@code arca init} from the user's machine, as the README says to do once per repository. */
  private static void initRepository(URI minio, String bucket) throws Exception {
    Path arca = Cluster.CHECKOUT.resolve("operator/cli/target/arca");
    ProcessBuilder pb = new ProcessBuilder(arca.toString(), "init").redirectErrorStream(true);
    pb.environment()
        .putAll(
            Map.of(
                "ARCA_REPO",
                "s3://" + bucket + "/models",
                "ARCA_PASSWORD",
                "e2e correct horse",
                "AWS_ENDPOINT_URL",
                minio.toString(),
                "AWS_REGION",
                "us-east-1",
                "AWS_ACCESS_KEY_ID",
                S3Servers.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY",
                S3Servers.SECRET_KEY));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  private static void apply(String yaml) {
    try {
      Path f = Files.createTempFile(Cluster.get().dir(), "apply-", ".yaml");
      Files.writeString(f, yaml);
      Cluster.get().kubectl("apply", "-f", f.toString()).orFail();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void waitBound(String pvc) {
    Cluster.get()
        .client()
        .persistentVolumeClaims()
        .inNamespace(NS)
        .withName(pvc)
        .waitUntilCondition(
            p -> p != null && "Bound".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
  }

  private static List<GenericKubernetesResource> awaitSnapshots(int n) {
    return await(
        "%d Snapshot objects".formatted(n),
        () ->
            Cluster.get()
                .client()
                .genericKubernetesResources(SNAPSHOTS)
                .inNamespace(NS)
                .list()
                .getItems(),
        l -> l.size() >= n);
  }

  private static void awaitRestore(String name) {
    Map<?, ?> status =
        await(
            "RestoreRequest " + name + " to end",
            () -> status(RESTORES, name),
            s -> s != null && List.of("Succeeded", "Failed").contains(s.get("phase")));
    assertThat(status.get("phase")).as(status.toString()).isEqualTo("Succeeded");
  }

  private static Map<?, ?> status(ResourceDefinitionContext kind, String name) {
    GenericKubernetesResource r =
        Cluster.get()
            .client()
            .genericKubernetesResources(kind)
            .inNamespace(NS)
            .withName(name)
            .get();
    return r == null ? null : (Map<?, ?>) r.getAdditionalProperties().get("status");
  }

  private static <T> T await(String what, java.util.function.Supplier<T> get, Predicate<T> done) {
    Instant end = Instant.now().plus(Duration.ofMinutes(3));
    while (true) {
      T v = get.get();
      if (done.test(v)) {
        return v;
      }
      if (Instant.now().isAfter(end)) {
        throw new AssertionError(
            "timed out waiting for " + what + "; last seen: " + v + "\n" + Diagnostics.dump(NS));
      }
      try {
        TimeUnit.SECONDS.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  static ResourceDefinitionContext crd(String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("arca.dev")
        .withVersion("v1alpha1")
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(true)
        .build();
  }
}
