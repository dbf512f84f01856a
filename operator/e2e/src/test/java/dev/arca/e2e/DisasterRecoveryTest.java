package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.samples.TreeDigest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * docs/disaster-recovery.md, run as written: on a local cluster of its own (the README's
 * local-cluster, with its MinIO as the store that survives), a BackupPolicy backs up a training
 * run's checkpoints and its database's dump; then Arca is deleted from the cluster (its release and
 * its CRDs, so every BackupPolicy and Snapshot object), and so are the training namespace and its
 * volumes; then the runbook's marked blocks run in one bash: install Arca, the Secrets, a
 * SnapshotCatalog of the repository, and RestoreRequests by catalogRef of the newest checkpoint and
 * of the dump. The restored volumes are compared with the originals file by file.
 */
class DisasterRecoveryTest {
  static final Path RUNBOOK = Cluster.CHECKOUT.resolve("docs/disaster-recovery.md");
  static final Path STATE = Path.of("/tmp/arca-dr");

  /** The cluster as a training team had it: Arca, a policy, one backup. */
  static final String BEFORE =
      """
      kubectl create namespace training # before the chart, which puts the dumps' Role in it
      helm install arca helm/arca -n arca-system --create-namespace \\
        --set 'rbac.dumpNamespaces={training}'
      kubectl -n arca-system rollout status deployment/arca --timeout=300s
      openssl rand -base64 32 > "$ARCA_LOCAL_DIR/repository-password"
      kubectl -n training create secret generic arca-password \\
        --from-file=password="$ARCA_LOCAL_DIR/repository-password"
      kubectl -n training create secret generic minio \\
        --from-literal=AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" \\
        --from-literal=AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
      image="$(kubectl -n arca-system get deployment arca \\
        -o jsonpath='{.spec.template.spec.containers[0].image}')"
      sed "s|IMAGE|$image|" <<'YAML' | kubectl apply -f -
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: run-checkpoints, namespace: training}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: db-data, namespace: training}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
      ---
      apiVersion: batch/v1
      kind: Job
      metadata: {name: train, namespace: training}
      spec:
        backoffLimit: 0
        template:
          spec:
            restartPolicy: Never
            securityContext: {runAsUser: 0}
            containers:
              - name: train
                image: IMAGE
                command:
                  - sh
                  - -c
                  - |
                    set -eu
                    for s in 100 200; do
                      d=/ckpt/checkpoint-$s
                      mkdir -p $d
                      head -c 3000000 /dev/urandom > $d/optimizer.pt
                      printf '{"global_step": %s}\\n' $s > $d/trainer_state.json
                    done
                    i=0
                    printf 'BEGIN;\\nCREATE TABLE runs (id int, note text);\\n' > /db/app.sql
                    while [ $i -lt 2000 ]; do
                      printf "INSERT INTO runs VALUES (%s, 'run %s');\\n" $i $i >> /db/app.sql
                      i=$((i + 1))
                    done
                    printf 'COMMIT;\\n' >> /db/app.sql
                volumeMounts:
                  - {name: ckpt, mountPath: /ckpt}
                  - {name: db, mountPath: /db}
            volumes:
              - {name: ckpt, persistentVolumeClaim: {claimName: run-checkpoints}}
              - {name: db, persistentVolumeClaim: {claimName: db-data}}
      YAML
      kubectl -n training wait --for=condition=Complete job/train --timeout=300s
      sed "s|IMAGE|$image|" <<'YAML' | kubectl apply -f -
      apiVersion: v1
      kind: Pod
      metadata: {name: postgres, namespace: training, labels: {app: postgres}}
      spec:
        containers:
          - name: postgres
            image: IMAGE
            command: [sh, -c, 'sleep 3600']
            volumeMounts: [{name: db, mountPath: /db}]
        volumes: [{name: db, persistentVolumeClaim: {claimName: db-data}}]
      YAML
      kubectl -n training wait --for=condition=Ready pod/postgres --timeout=300s
      sed -e "s|BUCKET|$BUCKET|" -e "s|ENDPOINT|$S3_ENDPOINT|" <<'YAML' | kubectl apply -f -
      apiVersion: arca.dev/v1alpha1
      kind: BackupPolicy
      metadata: {name: trainer, namespace: training}
      spec:
        schedule: "0 3 * * *"
        sources:
          - pvc: run-checkpoints
            checkpoints: {paths: ["checkpoint-*"]}
          - dump:
              path: db/app.sql
              podSelector: {app: postgres}
              command: [cat, /db/app.sql]
        repository:
          url: s3://BUCKET/training
          s3: {endpoint: "ENDPOINT", region: us-east-1}
          credentialsSecretRef: {name: minio}
          passwordSecretRef: {name: arca-password, key: password}
          initialize: IfMissing
      YAML
      kubectl -n training annotate --overwrite backuppolicy/trainer arca.dev/run-now=1
      kubectl -n training wait --for=condition=LastBackupSucceeded backuppolicy/trainer \\
        --timeout=300s
      kubectl -n training get backuppolicies,snapshots
      """;

  /** The disaster: Arca, its resources and the team's namespace and volumes are gone. */
  static final String WIPE =
      """
      helm uninstall arca -n arca-system --wait
      kubectl delete namespace training arca-system --wait=true --timeout=300s
      kubectl delete crd backuppolicies.arca.dev restorerequests.arca.dev snapshots.arca.dev \\
        snapshotcatalogs.arca.dev
      ! kubectl get crd snapshots.arca.dev
      """;

  /** What the team kept outside the cluster, as the runbook's first block sets it. */
  static final String KEPT =
      """
      export REPO="s3://$BUCKET/training" S3_REGION=us-east-1
      export REPO_PASSWORD_FILE="$ARCA_LOCAL_DIR/repository-password"
      """;

  @Test
  void theRunbookBringsACheckpointAndTheDatabaseDumpBackIntoAWipedCluster() throws Exception {
    Assumptions.assumeFalse(Target.external(), "it starts a local cluster of its own");
    Assumptions.assumeFalse(Target.realNode(), "it starts a local cluster of its own");
    Map<String, String> blocks = blocks();
    assertThat(blocks.keySet())
        .containsExactly(
            "install", "secrets", "catalog", "restore-checkpoints", "restore-database");
    Files.createDirectories(STATE);
    Path log = Files.createTempFile("arca-dr-", ".log");
    String start =
        "export ARCA_LOCAL_DIR="
            + STATE
            + "\noperator/test-cluster/local-cluster start\n. \"$ARCA_LOCAL_DIR/env\"\n";
    try {
      assertThat(bash(start + BEFORE, log, 20)).as("the backup; output:\n%s", tail(log)).isZero();
      Map<String, String> checkpoint;
      Map<String, String> dump;
      try (KubernetesClient k = client()) {
        checkpoint = TreeDigest.of(volume(k, "run-checkpoints").resolve("checkpoint-200"));
        dump = TreeDigest.of(volume(k, "db-data"));
      }
      assertThat(checkpoint).containsKeys("optimizer.pt", "trainer_state.json");
      assertThat(dump).containsOnlyKeys("app.sql");

      assertThat(bash(start + WIPE, log, 10)).as("the wipe; output:\n%s", tail(log)).isZero();
      String runbook =
          KEPT
              + blocks.get("install")
              + blocks.get("secrets")
              + blocks.get("catalog")
              + blocks.get("restore-checkpoints")
              + blocks.get("restore-database");
      int exit = bash(start + runbook, log, 30);
      assertThat(exit).as("the runbook's commands; their output:\n%s", tail(log)).isZero();
      try (KubernetesClient k = client()) {
        Path restored = volume(k, "run-checkpoints");
        try (var top = Files.list(restored)) {
          assertThat(top.map(p -> p.getFileName().toString()))
              .as("only the newest checkpoint is restored")
              .containsExactly("checkpoint-200");
        }
        assertThat(TreeDigest.of(restored.resolve("checkpoint-200"))).isEqualTo(checkpoint);
        assertThat(TreeDigest.of(volume(k, "database-dump"))).isEqualTo(dump);
      }
    } finally {
      bash(
          "export ARCA_LOCAL_DIR=" + STATE + "\noperator/test-cluster/local-cluster stop\n",
          log,
          2);
    }
  }

  /** The runbook's marked shell blocks by name, in order. */
  static Map<String, String> blocks() throws IOException {
    return LocalClusters.blocks(RUNBOOK, "dr-test");
  }

  private static KubernetesClient client() throws IOException {
    return LocalClusters.client(STATE);
  }

  private static Path volume(KubernetesClient k, String claim) {
    return LocalClusters.volume(k, "training", claim);
  }

  /** Runs {@code script} from the checkout, its first line marked in {@code log}. */
  private static int bash(String script, Path log, int minutes) throws Exception {
    Files.writeString(
        log,
        "\n--- " + script.lines().findFirst().orElse("") + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    return LocalClusters.bash(script, log, minutes);
  }

  private static String tail(Path log) {
    return LocalClusters.tail(log);
  }
}
