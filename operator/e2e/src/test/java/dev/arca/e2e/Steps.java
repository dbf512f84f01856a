package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.it.S3Servers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** What a user does with kubectl in one namespace, and what they wait for. */
final class Steps {
  static final ResourceDefinitionContext SNAPSHOTS = crd("snapshots", "Snapshot");
  static final ResourceDefinitionContext POLICIES = crd("backuppolicies", "BackupPolicy");
  static final ResourceDefinitionContext RESTORES = crd("restorerequests", "RestoreRequest");
  static final String PASSWORD = "e2e correct horse";

  final String ns;
  final URI minio = S3Servers.minio();

  Steps(String ns) {
    Cluster.operator();
    Cluster.namespace(ns);
    this.ns = ns;
  }

  /** The MinIO credentials and a repository password Secret ({@code password} in it). */
  void secrets(String passwordSecret, String password) {
    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: minio-credentials, namespace: %s}
        stringData: {AWS_ACCESS_KEY_ID: "%s", AWS_SECRET_ACCESS_KEY: "%s"}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: %s, namespace: %s}
        stringData: {password: "%s"}
        """
            .formatted(
                ns, S3Servers.ACCESS_KEY, S3Servers.SECRET_KEY, passwordSecret, ns, password));
  }

  /** A new PVC of the stand-in's class, bound; its host folder. */
  Path pvc(String name) {
    apply(
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: %s, namespace: %s}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        """
            .formatted(name, ns));
    Cluster.get()
        .client()
        .persistentVolumeClaims()
        .inNamespace(ns)
        .withName(name)
        .waitUntilCondition(
            p -> p != null && "Bound".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
    return Cluster.kubelet().claimFolder(ns, name);
  }

  /** A BackupPolicy of one PVC to s3://BUCKET/models that runs now; {@code extra} is spec YAML. */
  void policy(String name, String pvc, String bucket, String passwordSecret, String extra) {
    apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata:
          name: %s
          namespace: %s
          annotations: {arca.dev/run-now: "1"}
        spec:
          schedule: "0 3 1 1 *"
          sources: [{pvc: %s}]
          repository:
            url: s3://%s/models
            s3: {endpoint: "%s", region: us-east-1}
            credentialsSecretRef: {name: minio-credentials}
            passwordSecretRef: {name: %s, key: password}
        %s
        """
            .formatted(name, ns, pvc, bucket, minio, passwordSecret, extra.indent(2)));
  }

  /** Another run of the policy now (the run-now annotation gets a new value). */
  void runNow(String policy, String value) {
    Cluster.get()
        .kubectl(
            "annotate",
            "--overwrite",
            "-n",
            ns,
            "backuppolicy/" + policy,
            "arca.dev/run-now=" + value)
        .orFail();
  }

  /** {@code arca init} from the user's machine, as the README says to do once per repository. */
  String initRepository() throws IOException, InterruptedException {
    String bucket = S3Servers.newBucket(minio, false);
    Path arca = Cluster.CHECKOUT.resolve("operator/cli/target/arca");
    ProcessBuilder pb = new ProcessBuilder(arca.toString(), "init").redirectErrorStream(true);
    pb.environment()
        .putAll(
            Map.of(
                "ARCA_REPO",
                "s3://" + bucket + "/models",
                "ARCA_PASSWORD",
                PASSWORD,
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
    return bucket;
  }

  void apply(String yaml) {
    Cluster.get().kubectl("apply", "-f", Cluster.file(yaml).toString()).orFail();
  }

  List<GenericKubernetesResource> snapshots(String policy) {
    return Cluster.get()
        .client()
        .genericKubernetesResources(SNAPSHOTS)
        .inNamespace(ns)
        .list()
        .getItems()
        .stream()
        .filter(
            s -> policy.equals(((Map<?, ?>) s.getAdditionalProperties().get("spec")).get("policy")))
        .toList();
  }

  List<GenericKubernetesResource> awaitSnapshots(String policy, int n) {
    return await(
        "%d Snapshot objects of %s".formatted(n, policy),
        () -> snapshots(policy),
        l -> l.size() == n);
  }

  /** The resource's status, or null. */
  Map<?, ?> status(ResourceDefinitionContext kind, String name) {
    GenericKubernetesResource r =
        Cluster.get()
            .client()
            .genericKubernetesResources(kind)
            .inNamespace(ns)
            .withName(name)
            .get();
    return r == null ? null : (Map<?, ?>) r.getAdditionalProperties().get("status");
  }

  /** The condition of that type in the resource's status, or null. */
  Map<?, ?> condition(ResourceDefinitionContext kind, String name, String type) {
    Map<?, ?> st = status(kind, name);
    List<?> conditions = st == null ? List.of() : (List<?>) st.get("conditions");
    return conditions == null
        ? null
        : conditions.stream()
            .map(c -> (Map<?, ?>) c)
            .filter(c -> type.equals(c.get("type")))
            .findFirst()
            .orElse(null);
  }

  Map<?, ?> awaitRestore(String name) {
    return await(
        "RestoreRequest " + name + " to end",
        () -> status(RESTORES, name),
        s -> s != null && List.of("Succeeded", "Failed").contains(s.get("phase")));
  }

  /** Polls {@code get} until {@code done} holds; fails after 3 minutes with the cluster's state. */
  <T> T await(String what, Supplier<T> get, Predicate<T> done) {
    Instant end = Instant.now().plus(Duration.ofMinutes(3));
    while (true) {
      T v = get.get();
      if (done.test(v)) {
        return v;
      }
      if (Instant.now().isAfter(end)) {
        throw new AssertionError(
            "timed out waiting for " + what + "; last seen: " + v + "\n" + Diagnostics.dump(ns));
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
