package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arca.samples.TreeDigest;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The Jobs the chart's settings make, admitted and run for real where Pod Security is enforced:
 * root Jobs (the default) back up in a namespace that enforces {@code baseline}; with {@code
 * jobs.runAsRoot=false} the Jobs run as user 65532 in a namespace that enforces {@code restricted}.
 * There a file only its owner and group 1234 may read is backed up by a policy that gives its Jobs
 * that supplemental group, while a policy without it fails naming the folder it could not read (the
 * kubelet applies no fsGroup to the read-only source mount: found on this node; the stand-in
 * applied it); the restore into a new CSI volume gets the fsGroup and its files are the Jobs'
 * user's. {@link PodSecurityTest} checks admission with dry runs; this runs the pods.
 */
@Isolated("it upgrades the release (jobs.runAsRoot) and sets it back")
class RealNodePodSecurityTest {
  private static final long NON_ROOT = 65532;

  /** The group of the private files (no name on the node: only its number). */
  private static final int GROUP = 1234;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void rootJobsRunUnderBaselineAndNonRootJobsUnderRestrictedWithFsGroup() throws Exception {
    assumeTrue(Cluster.realNode(), "real pods: the e2e pom's real-node execution");
    Steps baseline = enforcing("psa-baseline", "baseline");
    baseline.secrets("pw", Steps.PASSWORD);
    String bucket = baseline.initRepository("pw");
    Path source = privateFiles(baseline.pvc("data"));
    baseline.policy("root-jobs", "data", bucket, "pw", "");
    baseline.awaitSnapshots("root-jobs", 1);
    assertThat(jobPodUser(baseline.ns, "arca.dev/policy=root-jobs")).isZero();
    assertThat(TreeDigest.of(source)).hasSize(3);

    Charts.upgradeOperator("jobs: {runAsRoot: false}");
    try {
      Steps restricted = enforcing("psa-restricted", "restricted");
      restricted.secrets("pw", Steps.PASSWORD); // the same repository as above
      Path files = privateFiles(restricted.pvc("data"));
      Map<String, String> expected = TreeDigest.of(files);
      restricted.policy(
          "non-root-jobs",
          "data",
          bucket,
          "pw",
          "job: {podSecurityContext: {supplementalGroups: [" + GROUP + "]}}");
      restricted.policy("no-group", "data", bucket, "pw", "");
      restricted.awaitSnapshots("non-root-jobs", 1);
      Map<?, ?> failure =
          restricted.await(
              "the run without the group to fail",
              () -> (Map<?, ?>) restricted.status(Steps.POLICIES, "no-group").get("lastFailure"),
              f -> f != null);
      assertThat(failure.get("message").toString())
          .as("%s", failure)
          .contains("1 path(s) could not be read", "data/secret");
      assertThat(jobPodUser(restricted.ns, "arca.dev/policy=non-root-jobs")).isEqualTo(NON_ROOT);
      // the Snapshot object can be there before the policy's status names the run
      Map<?, ?> last =
          restricted.await(
              "the policy's lastBackup",
              () ->
                  (Map<?, ?>) restricted.status(Steps.POLICIES, "non-root-jobs").get("lastBackup"),
              b -> b != null);
      assertThat(((Number) last.get("files")).longValue()).isEqualTo(expected.size());

      restricted.apply(
          """
          apiVersion: arca.dev/v1alpha1
          kind: RestoreRequest
          metadata: {name: copy, namespace: %s}
          spec:
            policyRef: {name: non-root-jobs}
            snapshot: latest
            target: {pvc: data-copy, createPVC: {size: 1Gi}}
          """
              .formatted(restricted.ns));
      Map<?, ?> done = restricted.awaitRestore("copy");
      assertThat(done.get("phase")).as("%s", done).isEqualTo("Succeeded");
      assertThat(jobPodUser(restricted.ns, "arca.dev/restore=copy")).isEqualTo(NON_ROOT);
      Path copy = Cluster.volumeFolder(restricted.ns, "data-copy");
      assertThat(TreeDigest.of(copy)).isEqualTo(expected);
      assertThat(Files.getAttribute(copy.resolve("secret/key.bin"), "unix:uid"))
          .as("the restored file's owner")
          .isEqualTo((int) NON_ROOT);
    } finally {
      Charts.upgradeOperator("jobs: {runAsRoot: true}");
    }
  }

  /** A namespace of the tests (Steps) that enforces the Pod Security Standard {@code level}. */
  private static Steps enforcing(String ns, String level) {
    Steps s = new Steps(ns);
    Cluster.get()
        .kubectl(
            "label",
            "--overwrite",
            "namespace",
            ns,
            "pod-security.kubernetes.io/enforce=" + level,
            "pod-security.kubernetes.io/enforce-version=latest")
        .orFail();
    return s;
  }

  /**
   * Files of root in the claim's folder, two in a folder that only root and group {@link #GROUP}
   * may enter, one of them readable by them alone.
   */
  private static Path privateFiles(Path volume) throws Exception {
    Files.writeString(volume.resolve("config.json"), "{\"hidden_size\": 512}\n");
    Path secret = Files.createDirectories(volume.resolve("secret"));
    Files.write(secret.resolve("key.bin"), "weights only the group reads".getBytes());
    Files.writeString(secret.resolve("notes.txt"), "été\n");
    for (Path p : List.of(secret, secret.resolve("key.bin"), secret.resolve("notes.txt"))) {
      Files.setAttribute(p, "unix:gid", GROUP);
    }
    Files.setPosixFilePermissions(
        secret.resolve("key.bin"), PosixFilePermissions.fromString("rw-r-----"));
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwxr-x---"));
    return volume;
  }

  /** The user the (newest) pod of the Jobs with this label ran as. */
  private static long jobPodUser(String ns, String label) {
    String[] kv = label.split("=", 2);
    List<Pod> pods =
        Cluster.get().client().pods().inNamespace(ns).withLabel(kv[0], kv[1]).list().getItems();
    assertThat(pods).as("pods of %s in %s", label, ns).isNotEmpty();
    Pod p = pods.get(pods.size() - 1);
    return p.getSpec().getSecurityContext().getRunAsUser();
  }
}
