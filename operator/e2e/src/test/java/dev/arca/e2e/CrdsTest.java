package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.testcluster.cluster.KubeCluster;
import dev.arca.testcluster.cluster.Kubectl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The CRDs and examples against a real API server: its schema checks and CEL rules. */
class CrdsTest {
  @Test
  void theCrdsAreEstablishedAndExplained() {
    KubeCluster c = Cluster.get();
    String explain = c.kubectl("explain", "backuppolicies.spec.fullEvery").orFail().stdout();
    assertThat(explain).contains("FIELD: fullEvery").containsIgnoringCase("full");
    String kinds = c.kubectl("api-resources", "--api-group=arca.dev").orFail().stdout();
    assertThat(kinds).contains("BackupPolicy", "RestoreRequest", "Snapshot");
    c.kubectl("get", "backuppolicies,snapshots,restorerequests", "-A").orFail();
  }

  @Test
  void kubectlExplainDescribesSpecAndStatusOfEveryKindAndHowToRunNow() {
    KubeCluster c = Cluster.get();
    for (String field :
        List.of(
            "backuppolicies.spec",
            "backuppolicies.status",
            "restorerequests.spec",
            "restorerequests.status",
            "snapshots.spec")) {
      String out = c.kubectl("explain", field).orFail().stdout();
      String description = out.substring(out.indexOf("DESCRIPTION:") + "DESCRIPTION:".length());
      description =
          description.contains("FIELDS:")
              ? description.substring(0, description.indexOf("FIELDS:"))
              : description;
      assertThat(description.strip()).as("kubectl explain %s", field).hasSizeGreaterThan(40);
    }
    assertThat(c.kubectl("explain", "backuppolicies.spec").orFail().stdout())
        .contains("arca.dev/run-now");
    assertThat(c.kubectl("explain", "backuppolicies.spec.suspend").orFail().stdout())
        .contains("run-now");
  }

  @Test
  void everyExampleIsAcceptedByTheApiServer() throws IOException {
    KubeCluster c = Cluster.get();
    for (String ns : List.of("llm", "team-a", "team-b", "team-c", "team-a-recovered")) {
      Cluster.namespace(ns);
    }
    List<Path> examples;
    try (Stream<Path> s = Files.list(Cluster.CHECKOUT.resolve("examples"))) {
      examples = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).hasSizeGreaterThanOrEqualTo(6);
    for (Path e : examples) {
      Kubectl.Result r = c.kubectl("apply", "--dry-run=server", "-f", e.toString());
      assertThat(r.exitCode()).as("%s: %s", e.getFileName(), r.stderr()).isZero();
      assertThat(r.stdout()).contains("(server dry run)");
    }
  }

  @Test
  void theApiServerRefusesASpecItsRulesForbid() {
    KubeCluster c = Cluster.get();
    String both =
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: both, namespace: default}
        spec:
          policyRef: {name: model-weights}
          repository:
            url: "s3://bucket/models"
            passwordSecretRef: {name: arca-repository-password, key: password}
          target: {pvc: restored}
        """;
    refused(c, both, "give exactly one of policyRef, repository and catalogRef");

    // an inline repository may hold many teams' snapshots: latest alone would pick any of them
    String inlineLatest =
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: inline-latest, namespace: default}
        spec:
          repository:
            url: "s3://bucket/shared"
            passwordSecretRef: {name: arca-repository-password, key: password}
          snapshot: latest
          target: {pvc: restored}
        """;
    refused(c, inlineLatest, "name the snapshot by id");
    String inlineFrom =
        inlineLatest.replace("inline-latest", "inline-from")
            + "  from: {namespace: team-b, policy: training}\n";
    accepted(c, inlineFrom);

    // the snapshot owner's tags are the operator's to write
    String ownerTag =
        """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata: {name: owner-tag, namespace: default}
        spec:
          schedule: "@daily"
          repository:
            url: "s3://bucket/shared"
            passwordSecretRef: {name: arca-repository-password, key: password}
          sources: [{pvc: weights}]
          tags: {"arca.dev/namespace": team-b}
        """;
    refused(c, ownerTag, "reserved for the snapshot's owner");

    // each store's settings go with its own URLs; a gs:// bucket name is GCS's
    String gcsOnS3 =
        ownerTag
            .replace("owner-tag", "gcs-on-s3")
            .replace("  tags: {\"arca.dev/namespace\": team-b}\n", "")
            .replace(
                "    passwordSecretRef:",
                "    gcs: {keySecretRef: {name: gcs-key}}\n    passwordSecretRef:");
    refused(c, gcsOnS3, "gcs applies to gs:// repositories only");
    String s3OnGcs =
        gcsOnS3
            .replace("gcs-on-s3", "s3-on-gcs")
            .replace("s3://bucket/shared", "gs://bucket/shared")
            .replace("gcs: {keySecretRef: {name: gcs-key}}", "credentialsSecretRef: {name: keys}");
    refused(c, s3OnGcs, "s3 and credentialsSecretRef apply to s3:// repositories only");
    String gcs =
        gcsOnS3.replace("gcs-on-s3", "gcs-ok").replace("s3://bucket/shared", "gs://bucket/shared");
    accepted(c, gcs);
    refused(c, gcs.replace("gs://bucket/shared", "gs://Bucket_Name/shared"), "spec.repository.url");
    String azure =
        gcs.replace("gcs-ok", "azure-ok")
            .replace("gs://bucket/shared", "azblob://account/container/shared")
            .replace("gcs: {keySecretRef: {name: gcs-key}}", "azure: {keySecretRef: {name: k}}");
    accepted(c, azure);
    refused(
        c,
        azure.replace("azure-ok", "azure-on-gs").replace("azblob://account/container", "gs://b"),
        "azure applies to azblob:// repositories only");
    refused(
        c,
        azure
            .replace("azure-ok", "azure-both")
            .replace(
                "{keySecretRef: {name: k}}", "{keySecretRef: {name: k}, sasSecretRef: {name: s}}"),
        "give azure.keySecretRef or azure.sasSecretRef, not both");
    refused(
        c,
        azure.replace("azblob://account/container", "azblob://Account/c"),
        "spec.repository.url");
  }

  @Test
  void theApiServerRefusesTargetsItsRulesForbid() {
    KubeCluster c = Cluster.get();
    String both =
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: both, namespace: default}
        spec:
          policyRef: {name: weights}
          target: {pvc: replica-0}
          targets: [{pvc: replica-1}, {pvc: replica-2}]
        """;
    refused(c, both, "give exactly one of target (a PVC), targets (several PVCs) and pipe");
    String checkpoint =
        both.replace("name: both", "name: ckpt")
            .replace("  target: {pvc: replica-0}\n", "  checkpoint: latest\n");
    refused(c, checkpoint, "a checkpoint restore goes into one target");
    String fromLatest =
        both.replace("name: both", "name: from-latest")
            .replace(
                "  target: {pvc: replica-0}\n", "  from: {namespace: default, policy: weights}\n");
    refused(c, fromLatest, "targets with from need the snapshot by id");
    String one =
        both.replace("name: both", "name: one")
            .replace("  target: {pvc: replica-0}\n", "")
            .replace("[{pvc: replica-1}, {pvc: replica-2}]", "[{pvc: replica-1}]");
    refused(c, one, "targets");
    String lone =
        both.replace("name: both", "name: lone-parallelism")
            .replace("  targets: [{pvc: replica-1}, {pvc: replica-2}]\n", "  parallelism: 2\n");
    accepted(c, lone); // one target in parts (the operator checks it is ReadWriteMany)
    refused(
        c,
        lone.replace("name: lone-parallelism", "name: checkpoint-parallelism")
            .replace("  parallelism: 2\n", "  parallelism: 2\n  checkpoint: latest\n"),
        "parallelism applies to targets, or to one ReadWriteMany target");
    accepted(
        c,
        both.replace("name: both", "name: good")
            .replace("  target: {pvc: replica-0}\n", "  parallelism: 1\n"));
  }

  @Test
  void theApiServerRefusesCopyMethodsItsRulesForbid() {
    KubeCluster c = Cluster.get();
    String dumpSnapshot =
        """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata: {name: dump-snapshot, namespace: default}
        spec:
          schedule: "@daily"
          repository:
            url: "s3://bucket/training"
            passwordSecretRef: {name: arca-repository-password, key: password}
          sources:
            - dump: {path: db/app.sql, podSelector: {app: db}, command: [pg_dump, app]}
              copyMethod: Snapshot
        """;
    refused(c, dumpSnapshot, "copyMethod Snapshot applies to a pvc source, not to a dump");
    String classWithoutSnapshot =
        dumpSnapshot
            .replace("dump-snapshot", "class-direct")
            .replace(
                "- dump: {path: db/app.sql, podSelector: {app: db}, command: [pg_dump, app]}",
                "- pvc: weights")
            .replace("copyMethod: Snapshot", "volumeSnapshotClassName: fast");
    refused(c, classWithoutSnapshot, "volumeSnapshotClassName applies with copyMethod Snapshot");
    refused(
        c,
        classWithoutSnapshot
            .replace("class-direct", "bad-method")
            .replace("volumeSnapshotClassName: fast", "copyMethod: Clone"),
        "copyMethod");
    accepted(
        c,
        classWithoutSnapshot
            .replace("class-direct", "snapshot-good")
            .replace(
                "volumeSnapshotClassName: fast",
                "copyMethod: Snapshot\n      volumeSnapshotClassName: fast"));
  }

  @Test
  void theApiServerRefusesCheckpointSpecsItsRulesForbid() {
    KubeCluster c = Cluster.get();
    String dumpCheckpoints =
        """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata: {name: dump-checkpoints, namespace: default}
        spec:
          schedule: "@daily"
          repository:
            url: "s3://bucket/training"
            passwordSecretRef: {name: arca-repository-password, key: password}
          sources:
            - dump: {path: db/app.sql, podSelector: {app: db}, command: [pg_dump, app]}
              checkpoints: {paths: ["runs/*"]}
        """;
    refused(c, dumpCheckpoints, "checkpoints apply to a pvc source, not to a dump");
    String noPaths =
        dumpCheckpoints
            .replace("dump-checkpoints", "no-paths")
            .replace(
                "- dump: {path: db/app.sql, podSelector: {app: db}, command: [pg_dump, app]}",
                "- pvc: checkpoints")
            .replace("checkpoints: {paths: [\"runs/*\"]}", "checkpoints: {paths: []}");
    refused(c, noPaths, "should have at least 1 items");
    String slashMarker =
        noPaths
            .replace("no-paths", "slash-marker")
            .replace(
                "checkpoints: {paths: []}", "checkpoints: {paths: [\"runs/*\"], complete: a/b}");
    refused(c, slashMarker, "complete");
    String good =
        slashMarker.replace("slash-marker", "good").replace("complete: a/b", "complete: DONE");
    accepted(c, good);

    String checkpointAndSnapshot =
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: ckpt-snap, namespace: default}
        spec:
          policyRef: {name: training}
          checkpoint: latest
          snapshot: latest
          target: {pvc: restored}
        """;
    refused(c, checkpointAndSnapshot, "checkpoint chooses the snapshot and the folder itself");
    String verifyAlone =
        checkpointAndSnapshot
            .replace("ckpt-snap", "verify-alone")
            .replace("  checkpoint: latest\n", "  verifyBeforeRestore: true\n");
    refused(c, verifyAlone, "verifyBeforeRestore applies to a checkpoint restore");
    String badStep =
        checkpointAndSnapshot
            .replace("ckpt-snap", "bad-step")
            .replace("  snapshot: latest\n", "")
            .replace("checkpoint: latest", "checkpoint: step-5");
    refused(c, badStep, "checkpoint");
    String resume =
        badStep.replace("bad-step", "resume").replace("checkpoint: step-5", "checkpoint: \"1200\"")
            + "  verifyBeforeRestore: true\n";
    accepted(c, resume);
  }

  /** The API server accepts {@code yaml} (a server-side dry run). */
  private static void accepted(KubeCluster c, String yaml) {
    Kubectl.Result r = c.kubectl("apply", "--dry-run=server", "-f", Cluster.file(yaml).toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  /** The API server refuses {@code yaml} with a message containing {@code why}. */
  private static void refused(KubeCluster c, String yaml, String why) {
    Kubectl.Result r = c.kubectl("apply", "--dry-run=server", "-f", Cluster.file(yaml).toString());
    assertThat(r.exitCode()).as("%s accepted", yaml).isNotZero();
    assertThat(r.stderr()).contains("is invalid", why);
  }

  @Test
  void aRestoreRequestCannotBeChangedOnceCreated() {
    KubeCluster c = Cluster.get();
    Cluster.namespace("immutable");
    String request =
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: once, namespace: immutable}
        spec:
          policyRef: {name: model-weights}
          snapshot: latest
          target: {pvc: restored}
        """;
    c.kubectl("apply", "-f", Cluster.file(request).toString()).orFail();
    Kubectl.Result r =
        c.kubectl(
            "patch",
            "-n",
            "immutable",
            "restorerequest/once",
            "--type=merge",
            "-p",
            "{\"spec\":{\"snapshot\":\"0123abcd\"}}");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("a RestoreRequest cannot be changed; create a new one");
  }
}
