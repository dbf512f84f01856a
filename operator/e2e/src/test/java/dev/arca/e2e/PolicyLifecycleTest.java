package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.it.S3Servers;
import dev.arca.samples.LlmTrees;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A policy's life on the real control plane: retention forgets old snapshots in the repository and
 * in the catalog; a wrong password and a missing PVC are reported in status, not guessed at;
 * deleting the policy lets Kubernetes' garbage collector remove its Jobs.
 */
class PolicyLifecycleTest {
  @Test
  void retentionRemovesForgottenSnapshotsFromTheRepositoryAndTheCatalog() throws Exception {
    Steps s = new Steps("retention");
    s.secrets("pw", Steps.PASSWORD);
    String bucket = s.initRepository("pw");
    Path source = s.pvc("data");
    LlmTrees.small(source, 3);
    s.policy("keep-one", "data", bucket, "pw", "retention: {keepLast: 1}");
    s.awaitSnapshots("keep-one", 1);
    String firstId = snapshotIds(bucket).keySet().iterator().next();
    LlmTrees.small(source.resolve("more"), 4);
    s.runNow("keep-one", "2");
    // the second backup adds a Snapshot object, then the forget Job removes the first one
    s.await(
        "the forget Job to leave one snapshot in MinIO",
        () -> snapshotIds(bucket),
        ids -> ids.size() == 1 && !ids.containsKey(firstId));
    var left = s.awaitSnapshots("keep-one", 1);
    assertThat(left.get(0).getAdditionalProperties().get("spec").toString())
        .doesNotContain(firstId.substring(0, 12));
  }

  /** initialize: IfMissing: the first backup into an empty bucket creates the repository. */
  @Test
  void ifMissingTheFirstBackupCreatesTheRepositoryAndSaysSo() throws Exception {
    Steps s = new Steps("init-if-missing");
    s.secrets("pw", Steps.PASSWORD);
    String bucket =
        Target.external() ? Target.bucket() : S3Servers.newBucket(S3Servers.minio(), false);
    LlmTrees.small(s.pvc("data"), 1);
    s.policy("fresh", "data", bucket, "pw", "", "initialize: IfMissing");
    s.awaitSnapshots("fresh", 1);
    // the Snapshot object is made while the run is recorded, the status written after it
    Map<?, ?> last =
        s.await(
            "status.lastBackup",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "fresh").get("lastBackup"),
            x -> x != null);
    assertThat(last.get("repositoryInitialized")).isEqualTo("s3://" + bucket + "/" + s.prefix);
    assertThat(s.events("fresh", "RepositoryInitialized"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).startsWith("Repository initialised at s3://"));
    assertThat(snapshotIds(bucket)).hasSize(1);
  }

  @Test
  void aWrongPasswordFailsTheRunWithAConditionThatSaysSo() throws Exception {
    Steps s = new Steps("wrong-password");
    s.secrets("right", Steps.PASSWORD);
    s.secrets("wrong", "not the password");
    String bucket = s.initRepository("right");
    s.pvc("data");
    s.policy("guess", "data", bucket, "wrong", "");
    Map<?, ?> c =
        s.await(
            "LastBackupSucceeded=False",
            () -> s.condition(Steps.POLICIES, "guess", "LastBackupSucceeded"),
            x -> x != null && "False".equals(x.get("status")));
    assertThat(c.get("message").toString()).containsIgnoringCase("wrong password");
    assertThat(s.snapshots("guess")).isEmpty();
    assertThat(c.toString()).doesNotContain("not the password");
  }

  @Test
  void thePasswordSecretMadeFromTheFileInitUsedWorks() throws Exception {
    Steps s = new Steps("password-file");
    // printf 'pw\n' > f; arca init --password-file f; kubectl create secret --from-file=password=f
    Path file = Cluster.get().dir().resolve("password-file-" + System.nanoTime());
    java.nio.file.Files.writeString(file, Steps.PASSWORD + "\n");
    s.secrets("unused", "unused"); // the MinIO credentials
    Cluster.get()
        .kubectl(
            "create", "secret", "generic", "from-file", "-n", s.ns, "--from-file=password=" + file)
        .orFail();
    String bucket = S3Servers.newBucket(S3Servers.minio(), false);
    ProcessBuilder init =
        new ProcessBuilder(
                Cluster.CHECKOUT.resolve("operator/cli/target/arca").toString(),
                "init",
                "--repo",
                "s3://" + bucket + "/" + s.prefix,
                "--s3-endpoint",
                S3Servers.minio().toString(), // the host's address of the pods' MinIO
                "--password-file",
                file.toString())
            .redirectErrorStream(true)
            .redirectOutput(Cluster.get().dir().resolve("init-password-file.log").toFile());
    init.environment().put("AWS_ACCESS_KEY_ID", S3Servers.ACCESS_KEY);
    init.environment().put("AWS_SECRET_ACCESS_KEY", S3Servers.SECRET_KEY);
    init.environment().put("AWS_REGION", "us-east-1");
    assertThat(init.start().waitFor()).as("arca init on the host").isZero();
    s.pvc("data");
    s.policy("from-file", "data", bucket, "from-file", "");
    Map<?, ?> c =
        s.await(
            "LastBackupSucceeded",
            () -> s.condition(Steps.POLICIES, "from-file", "LastBackupSucceeded"),
            x -> x != null);
    assertThat(c.get("status")).as("%s", c).isEqualTo("True");
    s.awaitSnapshots("from-file", 1);
  }

  @Test
  void aSecretKeyThatIsMissingFailsTheRunWithinAMinuteAndNamesIt() throws Exception {
    Steps s = new Steps("missing-key");
    s.secrets("pw", Steps.PASSWORD);
    String bucket = s.initRepository("pw");
    s.pvc("data");
    // the Secret has "password"; the policy names "passwd"
    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata:
          name: typo
          namespace: missing-key
          annotations: {arca.dev/run-now: "1"}
        spec:
          schedule: "0 3 1 1 *"
          sources: [{pvc: data}]
          repository:
            url: s3://%s/%s
            s3: {endpoint: "%s", region: us-east-1}
            credentialsSecretRef: {name: minio-credentials}
            passwordSecretRef: {name: pw, key: passwd}
        """
            .formatted(bucket, s.prefix, s.s3));
    java.time.Instant t0 = java.time.Instant.now();
    List<String> running = new java.util.ArrayList<>();
    Map<?, ?> c =
        s.await(
            "LastBackupSucceeded=False",
            () -> {
              Map<?, ?> r = s.condition(Steps.POLICIES, "typo", "Running");
              if (r != null) {
                running.add(String.valueOf(r.get("status")));
              }
              return s.condition(Steps.POLICIES, "typo", "LastBackupSucceeded");
            },
            x -> x != null && "False".equals(x.get("status")));
    assertThat(java.time.Duration.between(t0, java.time.Instant.now()))
        .isLessThan(java.time.Duration.ofSeconds(90));
    assertThat(c.get("reason")).isEqualTo("PodCannotStart");
    assertThat(c.get("message").toString())
        .contains("CreateContainerConfigError", "passwd")
        .doesNotContain(Steps.PASSWORD);
    assertThat(running).as("the pod never ran").doesNotContain("True");
    assertThat(s.events("typo", "PodCannotStart")).hasSize(1);
    s.await(
        "the Job deleted",
        () -> Cluster.get().client().batch().v1().jobs().inNamespace(s.ns).list().getItems(),
        List::isEmpty);
  }

  @Test
  void aMissingPvcIsReportedAndNothingIsLaunched() throws Exception {
    Steps s = new Steps("missing-pvc");
    s.secrets("pw", Steps.PASSWORD);
    s.policy("ghost", "no-such-pvc", "no-bucket", "pw", "");
    Map<?, ?> ready =
        s.await(
            "Ready=False",
            () -> s.condition(Steps.POLICIES, "ghost", "Ready"),
            x -> x != null && "False".equals(x.get("status")));
    assertThat(ready.get("message").toString()).contains("spec.sources[0]", "no-such-pvc");
    assertThat(
            Cluster.get().client().batch().v1().jobs().inNamespace("missing-pvc").list().getItems())
        .isEmpty();
    assertThat(Cluster.get().kubectl("get", "events", "-n", "missing-pvc").orFail().stdout())
        .contains("no-such-pvc");
  }

  @Test
  void deletingAPolicyGarbageCollectsItsJobs() throws Exception {
    Steps s = new Steps("deletion");
    s.secrets("pw", Steps.PASSWORD);
    String bucket = s.initRepository("pw");
    s.pvc("data");
    s.policy("short-lived", "data", bucket, "pw", "");
    s.awaitSnapshots("short-lived", 1);
    var jobs = Cluster.get().client().batch().v1().jobs().inNamespace("deletion");
    assertThat(jobs.list().getItems()).isNotEmpty();
    Cluster.get().kubectl("delete", "-n", "deletion", "backuppolicy/short-lived").orFail();
    s.await(
        "the policy's Jobs to be garbage-collected",
        () -> jobs.list().getItems(),
        java.util.List::isEmpty);
    // the backup data stays: deleting a resource never deletes snapshots, and the catalog of
    // what the repository holds stays too, found by the policy's label
    assertThat(snapshotIds(bucket)).hasSize(1);
    assertThat(
            Cluster.get()
                .kubectl("get", "snapshots", "-n", "deletion", "-l", "arca.dev/policy=short-lived")
                .orFail()
                .stdout())
        .contains("short-lived");
    assertThat(s.snapshots("short-lived")).hasSize(1);
  }

  /** The snapshot objects in the repository (key to size), listed in MinIO. */
  private static Map<String, Long> snapshotIds(String bucket) {
    try (S3Client s3 = S3Servers.admin(S3Servers.minio())) {
      Map<String, Long> out = new java.util.TreeMap<>();
      s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("models/snapshots/"))
          .contents()
          .forEach(o -> out.put(o.key().substring("models/snapshots/".length()), o.size()));
      return out;
    }
  }
}
