package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage.BlobListOption;
import dev.arca.it.Azurite;
import dev.arca.it.FakeGcs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gs:// and azblob:// repositories through the operator: a BackupPolicy whose repository is in
 * fake-gcs-server or Azurite (their endpoints in {@code gcs} and {@code azure}, Azurite's key in a
 * Secret), created by the first backup Job, then a RestoreRequest into a new PVC; the restored tree
 * is compared file by file with the source, and the objects are looked for in the store itself.
 */
class CloudStoresTest {
  @BeforeEach
  void localStandInOnly() {
    Assumptions.assumeFalse(Target.external(), "the emulators run beside the local cluster");
    Assumptions.assumeFalse(Target.realNode(), "the kubelet stand-in forwards their ports to pods");
  }

  @Test
  void aPolicyBacksUpToGcsAndARestoreRequestBringsItBack() {
    FakeGcs gcs = FakeGcs.get();
    String bucket = gcs.newBucket();
    backUpAndRestore(
        new Steps("gcs"),
        "gs://" + bucket + "/team/models",
        "gcs: {endpoint: \"" + gcs.uri() + "\"}",
        () -> {
          List<String> keys = new ArrayList<>();
          try (com.google.cloud.storage.Storage admin = gcs.admin()) {
            for (Blob b : admin.list(bucket, BlobListOption.prefix("team/models/")).iterateAll()) {
              keys.add(b.getName());
            }
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return keys;
        });
  }

  @Test
  void aPolicyBacksUpToAzureAndARestoreRequestBringsItBack() {
    Azurite az = Azurite.get();
    String container = az.newContainer();
    Steps s = new Steps("azure");
    s.apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: azure-storage, namespace: azure}
        stringData: {AZURE_STORAGE_KEY: "%s"}
        """
            .formatted(Azurite.KEY));
    backUpAndRestore(
        s,
        "azblob://" + Azurite.ACCOUNT + "/" + container + "/team/models",
        "azure: {endpoint: \"" + az.endpoint() + "\", keySecretRef: {name: azure-storage}}",
        () -> {
          List<String> keys = new ArrayList<>();
          for (BlobItem b :
              az.admin()
                  .getBlobContainerClient(container)
                  .listBlobs(new ListBlobsOptions().setPrefix("team/models/"), null)) {
            keys.add(b.getName());
          }
          return keys;
        });
  }

  /**
   * spec.copyTo: a policy backing up into MinIO with an off-site copy in fake-gcs-server. After the
   * backup the copy Job fills the target, status.copies says so, and a RestoreRequest that names
   * the target inline (as a new cluster would, with its own password Secret) restores the copy byte
   * for byte.
   */
  @Test
  void aPolicyCopiesToGcsAndTheCopyRestoresFromThere() {
    FakeGcs gcs = FakeGcs.get();
    String target = "gs://" + gcs.newBucket() + "/offsite";
    Steps s = new Steps("copyto");
    s.secrets("arca-repository-password", Steps.PASSWORD);
    s.apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: offsite-password, namespace: copyto}
        stringData: {password: "the off-site copy's own password"}
        """);
    s.claim("model-weights");
    Pods.shell(s.ns, "write-tree", Trees.LLM_SH + "llm /data 1\n", "model-weights");
    Map<String, String> source = Pods.hashes(s.ns, "hash-source", "model-weights");
    String bucket = dev.arca.it.S3Servers.newBucket(dev.arca.it.S3Servers.minio(), false);
    s.policy(
        "weights",
        "model-weights",
        bucket,
        "arca-repository-password",
        """
        copyTo:
          - name: gcs
            repository:
              url: %s
              gcs: {endpoint: "%s"}
              passwordSecretRef: {name: offsite-password, key: password}
              initialize: IfMissing
        """
            .formatted(target, gcs.uri()),
        "initialize: IfMissing");
    s.awaitSnapshots("weights", 1);
    Map<?, ?> copy =
        s.await(
            "the copy in the policy's status",
            () -> {
              Map<?, ?> st = s.status(Steps.POLICIES, "weights");
              List<?> copies = st == null ? null : (List<?>) st.get("copies");
              return copies == null ? null : (Map<?, ?>) copies.get(0);
            },
            c -> c != null && c.get("ok") != null);
    assertThat(copy.get("ok")).as("%s", copy).isEqualTo(true);
    assertThat(copy.get("name")).isEqualTo("gcs");
    assertThat(((Number) copy.get("copied")).longValue()).isEqualTo(1);
    Map<?, ?> last = (Map<?, ?>) s.status(Steps.POLICIES, "weights").get("lastBackup");
    assertThat(copy.get("latestSnapshotId")).isEqualTo(last.get("snapshotId"));

    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: from-offsite, namespace: copyto}
        spec:
          repository:
            url: %s
            gcs: {endpoint: "%s"}
            passwordSecretRef: {name: offsite-password, key: password}
          from: {namespace: copyto, policy: weights}
          snapshot: latest
          sourcePVC: model-weights
          target:
            pvc: restored
            createPVC: {size: 1Gi}
        """
            .formatted(target, gcs.uri()));
    assertThat(s.awaitRestore("from-offsite").get("phase")).isEqualTo("Succeeded");
    assertThat(Pods.hashes(s.ns, "hash-restored", "restored")).isEqualTo(source);
  }

  private static void backUpAndRestore(
      Steps s, String url, String settings, Supplier<List<String>> storedKeys) {
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
          name: weights
          namespace: %s
          annotations: {arca.dev/run-now: "1"}
        spec:
          schedule: "0 3 1 1 *"
          sources: [{pvc: model-weights}]
          repository:
            url: %s
            %s
            passwordSecretRef: {name: arca-repository-password, key: password}
            initialize: IfMissing
        """
            .formatted(s.ns, url, settings));
    s.awaitSnapshots("weights", 1);
    Map<?, ?> last =
        s.await(
            "the backup in the policy's status",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "weights").get("lastBackup"),
            b -> b != null);
    assertThat(((Number) last.get("files")).longValue()).isEqualTo(source.size());
    assertThat(last.get("repositoryInitialized")).isEqualTo(url);
    assertThat(storedKeys.get())
        .contains("team/models/config")
        .anyMatch(k -> k.startsWith("team/models/snapshots/"))
        .anyMatch(k -> k.startsWith("team/models/data/"));

    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: back, namespace: %s}
        spec:
          policyRef: {name: weights}
          snapshot: latest
          target:
            pvc: restored
            createPVC: {size: 1Gi}
        """
            .formatted(s.ns));
    assertThat(s.awaitRestore("back").get("phase")).isEqualTo("Succeeded");
    assertThat(Pods.hashes(s.ns, "hash-restored", "restored")).isEqualTo(source);
  }
}
