package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * An erasure request answered with kubectl: a policy backs up a volume holding one user's folder
 * twice; an ErasureRequest removes it from both snapshots, the operator's rewrite and prune Jobs
 * run against S3, the request ends complete with every erased blob confirmed gone, a restore of the
 * newest snapshot gives back every other file and none of hers, and the repository's audit trail
 * names the kubectl user as the requester of the rewrite.
 */
class ErasureRequestTest {
  static final ResourceDefinitionContext ERASURES = Steps.crd("erasurerequests", "ErasureRequest");

  @Test
  void aUsersFolderLeavesEverySnapshotAndTheRestRestores() throws Exception {
    Steps s = new Steps("erasure");
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket = s.initRepository("arca-repository-password");
    s.claim("app-data");
    Pods.shell(
        s.ns,
        "write-users",
        """
        mkdir -p /data/users/41 /data/users/42 /data/shared
        echo 'profile of user 41' > /data/users/41/profile.json
        echo 'profile of user 42: erin@example.org' > /data/users/42/profile.json
        head -c 300000 /dev/urandom > /data/users/42/upload.bin
        echo 'shared notes' > /data/shared/notes.txt
        """,
        "app-data");
    s.policy("app-data", "app-data", bucket, "arca-repository-password", "");
    s.awaitSnapshots("app-data", 1);
    Pods.shell(s.ns, "change", "echo more >> /data/shared/notes.txt\n", "app-data");
    s.runNow("app-data", "2");
    s.awaitSnapshots("app-data", 2);
    Map<String, String> before = Pods.hashes(s.ns, "hash-before", "app-data");

    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: ErasureRequest
        metadata: {name: erase-42, namespace: %s}
        spec:
          policyRef: {name: app-data}
          exclude: [app-data/users/42]
        """
            .formatted(s.ns));
    Map<?, ?> st =
        s.await(
            "the ErasureRequest to end",
            () -> s.status(ERASURES, "erase-42"),
            x -> x != null && List.of("Succeeded", "Failed").contains(x.get("phase")));
    assertThat(st.get("phase")).as("%s", st).isEqualTo("Succeeded");
    assertThat(((Number) st.get("rewritten")).longValue()).isEqualTo(2);
    assertThat(st.get("complete")).as("%s", st).isEqualTo(Boolean.TRUE);
    assertThat(((Number) st.get("goneBlobs")).longValue())
        .isEqualTo(((Number) st.get("erasedBlobs")).longValue())
        .isPositive();
    String user =
        Cluster.get()
            .kubectl("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
            .orFail()
            .stdout()
            .strip();
    assertThat(st.get("requestedBy")).isEqualTo(user);

    // the newest snapshot restores everything but her folder
    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: after-erasure, namespace: %s}
        spec:
          policyRef: {name: app-data}
          snapshot: latest
          target:
            pvc: restored
            createPVC: {size: 1Gi}
        """
            .formatted(s.ns));
    assertThat(s.awaitRestore("after-erasure").get("phase")).isEqualTo("Succeeded");
    Map<String, String> expected = new TreeMap<>(before);
    expected.keySet().removeIf(k -> k.startsWith("users/42/"));
    assertThat(expected).hasSize(2);
    assertThat(Pods.hashes(s.ns, "hash-after", "restored")).isEqualTo(expected);

    String audit =
        Pods.run(
            s.ns,
            "arca-audit",
            List.of("arca", "audit", "--json"),
            s.repositoryEnv(bucket, "arca-repository-password"),
            null);
    assertThat(audit)
        .contains("\"op\":\"rewrite\"")
        .contains("\"requester\":\"" + user + " (ErasureRequest " + s.ns + "/erase-42)\"")
        .doesNotContain("users/42");
  }
}
