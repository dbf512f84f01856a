package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage.BlobListOption;
import dev.arca.it.FakeGcs;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A gs:// repository through the operator: a BackupPolicy whose repository is a bucket of
 * fake-gcs-server ({@code gcs.endpoint}), created by the first backup Job, then a RestoreRequest
 * into a new PVC; the restored tree is compared file by file with the source, and the objects are
 * looked for in the bucket itself.
 */
class GcsBackupRestoreTest {
  @Test
  void aPolicyBacksUpToGcsAndARestoreRequestBringsItBack() {
    Assumptions.assumeFalse(Target.external(), "fake-gcs-server runs beside the local cluster");
    FakeGcs gcs = FakeGcs.get();
    String bucket = gcs.newBucket();
    Assumptions.assumeFalse(Target.realNode(), "the kubelet stand-in forwards its port to pods");
    URI endpoint = gcs.uri();
    Steps s = new Steps("gcs");
    s.secrets("arca-repository-password", Steps.PASSWORD);
    s.claim("model-weights");
    Pods.shell(s.ns, "write-tree", Trees.LLM_SH + "llm /data 1\n", "model-weights");
    Map<String, String> source = Pods.hashes(s.ns, "hash-source", "model-weights");
    assertThat(source).hasSizeGreaterThan(40);

    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata:
          name: weights-gcs
          namespace: %s
          annotations: {arca.dev/run-now: "1"}
        spec:
          schedule: "0 3 1 1 *"
          sources: [{pvc: model-weights}]
          repository:
            url: gs://%s/team/models
            gcs: {endpoint: "%s"}
            passwordSecretRef: {name: arca-repository-password, key: password}
            initialize: IfMissing
        """
            .formatted(s.ns, bucket, endpoint));
    s.awaitSnapshots("weights-gcs", 1);
    Map<?, ?> last =
        s.await(
            "the backup in the policy's status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "weights-gcs").get("lastBackup"),
            b -> b != null);
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(source.size());
    assertThat(last.get("repositoryInitialized")).isEqualTo("gs://" + bucket + "/team/models");

    List<String> keys = new ArrayList<>();
    try (com.google.cloud.storage.Storage admin = gcs.admin()) {
      for (Blob b : admin.list(bucket, BlobListOption.prefix("team/models/")).iterateAll()) {
        keys.add(b.getName());
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(keys)
        .contains("team/models/config")
        .anyMatch(k -> k.startsWith("team/models/snapshots/"))
        .anyMatch(k -> k.startsWith("team/models/data/"));

    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: from-gcs, namespace: %s}
        spec:
          policyRef: {name: weights-gcs}
          snapshot: latest
          target:
            pvc: restored
            createPVC: {size: 1Gi}
        """
            .formatted(s.ns));
    assertThat(s.awaitRestore("from-gcs").get("phase")).isEqualTo("Succeeded");
    assertThat(Pods.hashes(s.ns, "hash-restored", "restored")).isEqualTo(source);
  }
}
