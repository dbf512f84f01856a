package dev.arca.e2e;

import dev.arca.it.S3Servers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
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

  /** The S3 endpoint as the cluster's pods reach it. */
  final URI s3 = Target.external() ? Target.s3Endpoint() : Cluster.podS3();

  /** The repository's folder in its bucket: unique per run on a shared, external bucket. */
  final String prefix;

  Steps(String ns) {
    Cluster.operator();
    Cluster.namespace(ns);
    this.ns = ns;
    this.prefix =
        Target.external()
            ? "arca-e2e/" + ns + "-" + System.currentTimeMillis() + "/models"
            : "models";
  }

  /** The MinIO credentials and a repository password Secret ({@code password} in it). */
  void secrets(String passwordSecret, String password) {
    apply(
        secretsYaml(
            ns,
            Target.external() ? Target.accessKey() : S3Servers.ACCESS_KEY,
            Target.external() ? Target.secretKey() : S3Servers.SECRET_KEY,
            passwordSecret,
            password));
  }

  /** The Secrets of {@link #secrets}: {@code minio-credentials} and the password's. */
  static String secretsYaml(
      String ns, String accessKey, String secretKey, String passwordSecret, String password) {
    return """
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
        .formatted(ns, accessKey, secretKey, passwordSecret, ns, password);
  }

  /**
   * A new PVC of the default class (the stand-in's, or the real node's CSI driver), bound; its
   * folder on this machine.
   */
  Path pvc(String name) {
    claim(name);
    Cluster.get()
        .client()
        .persistentVolumeClaims()
        .inNamespace(ns)
        .withName(name)
        .waitUntilCondition(
            p -> p != null && "Bound".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
    return Cluster.volumeFolder(ns, name);
  }

  /**
   * A new PVC of the default StorageClass; not waited for, as classes that bind on first use
   * (kind's) bind it only when a pod mounts it.
   */
  void claim(String name) {
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
  }

  /**
   * A BackupPolicy of one PVC to s3://BUCKET/PREFIX that runs now; {@code extra} is spec YAML (if
   * it starts with {@code sources:}, those sources replace the PVC).
   */
  void policy(String name, String pvc, String bucket, String passwordSecret, String extra) {
    policy(name, pvc, bucket, passwordSecret, extra, "");
  }

  /** As {@link #policy(String, String, String, String, String)}, with more repository fields. */
  void policy(
      String name,
      String pvc,
      String bucket,
      String passwordSecret,
      String extra,
      String repositoryExtra) {
    policy(name, pvc, bucket, passwordSecret, extra, repositoryExtra, s3);
  }

  /**
   * As {@link #policy(String, String, String, String, String, String)}, its repository at the S3
   * {@code endpoint} (as pods reach it: a proxy in front of MinIO, say).
   */
  void policy(
      String name,
      String pvc,
      String bucket,
      String passwordSecret,
      String extra,
      String repositoryExtra,
      URI endpoint) {
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
          %s
          repository:
            url: s3://%s/%s
            s3: {endpoint: "%s", region: %s}
            credentialsSecretRef: {name: minio-credentials}
            passwordSecretRef: {name: %s, key: password}
            %s
        %s
        """
            .formatted(
                name,
                ns,
                // extra may give the sources itself (dumps)
                extra.startsWith("sources:") ? "" : "sources: [{pvc: " + pvc + "}]",
                bucket,
                prefix,
                endpoint,
                region(),
                passwordSecret,
                repositoryExtra,
                extra.indent(2)));
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

  /**
   * {@code arca init} of a new repository, run in a pod of the namespace with the Secrets of {@link
   * #secrets} (as a user without S3 access from their machine would); its bucket.
   */
  String initRepository(String passwordSecret) {
    String bucket =
        Target.external() ? Target.bucket() : S3Servers.newBucket(S3Servers.minio(), false);
    Pods.run(
        ns,
        "arca-init-" + System.nanoTime() % 100000,
        List.of("arca", "init"),
        repositoryEnv(bucket, passwordSecret),
        null);
    return bucket;
  }

  /** The environment of an {@code arca} command in a pod on the repository in {@code bucket}. */
  List<io.fabric8.kubernetes.api.model.EnvVar> repositoryEnv(String bucket, String passwordSecret) {
    return List.of(
        Pods.env("ARCA_REPO", "s3://" + bucket + "/" + prefix),
        Pods.env("AWS_ENDPOINT_URL", s3.toString()),
        Pods.env("AWS_REGION", region()),
        Pods.secretEnv("ARCA_PASSWORD", passwordSecret, "password"),
        Pods.secretEnv("AWS_ACCESS_KEY_ID", "minio-credentials", "AWS_ACCESS_KEY_ID"),
        Pods.secretEnv("AWS_SECRET_ACCESS_KEY", "minio-credentials", "AWS_SECRET_ACCESS_KEY"));
  }

  static String region() {
    return Target.external() ? Target.region() : "us-east-1";
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

  /** The Events of this namespace about {@code object} with {@code reason}, oldest first. */
  List<io.fabric8.kubernetes.api.model.Event> events(String object, String reason) {
    return Cluster.get().client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> object.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  Map<?, ?> awaitRestore(String name) {
    return await(
        "RestoreRequest " + name + " to end",
        () -> status(RESTORES, name),
        s -> s != null && List.of("Succeeded", "Failed").contains(s.get("phase")));
  }

  /** Polls {@code get} until {@code done} holds; fails after 3 minutes with the cluster's state. */
  <T> T await(String what, Supplier<T> get, Predicate<T> done) {
    Instant start = Instant.now();
    Instant end = start.plus(Duration.ofMinutes(3));
    while (true) {
      T v = get.get();
      if (done.test(v)) {
        System.out.printf(
            "%s: waited %.1f s for %s%n",
            ns, Duration.between(start, Instant.now()).toMillis() / 1e3, what);
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
