package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.jobs.BackupJobs;
import dev.arca.controller.jobs.BackupRun;
import dev.arca.controller.jobs.MaintenanceJobs;
import dev.arca.controller.jobs.RestoreJobs;
import dev.arca.controller.jobs.SnapshotOwner;
import dev.arca.it.Arca;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two namespaces' BackupPolicies of the same name share one repository. The command lines the
 * operator puts in its Jobs run through the real CLI (paths under /data and /target mapped to
 * folders of the test): one team's retention never forgets the other's snapshots, and a restore
 * through one team's policy never restores the other's snapshot, even when asked for it by id.
 */
class SharedRepositoryTenantsTest {
  @TempDir Path tmp;
  Path repo;
  Map<String, String> env;
  final OperatorConfig cfg = OperatorConfig.fromEnv(Map.of());

  @BeforeEach
  void setUp() throws Exception {
    repo = tmp.resolve("shared-repo");
    Path password = Files.writeString(tmp.resolve("password"), "one key for both teams");
    Arca.init(Map.of(), tmp.resolve("work"), "file://" + repo, password).ok();
    env = Map.of("ARCA_REPO", "file://" + repo, "ARCA_PASSWORD", "one key for both teams");
  }

  private static BackupPolicy policy(String namespace, String uid) {
    BackupPolicy p = new BackupPolicy();
    p.setMetadata(
        new ObjectMetaBuilder().withName("training").withNamespace(namespace).withUid(uid).build());
    p.setSpec(new BackupPolicySpec());
    p.getSpec().schedule = "@daily";
    p.getSpec().repository = new RepositorySpec();
    p.getSpec().repository.url = "file:///not-used-the-test-sets-ARCA_REPO";
    p.getSpec().repository.passwordSecretRef = new SecretKeyRef("pw", "password");
    BackupPolicySpec.Source s = new BackupPolicySpec.Source();
    s.pvc = "weights";
    p.getSpec().sources = List.of(s);
    p.getSpec().retention = new BackupPolicySpec.RetentionSpec();
    p.getSpec().retention.keepLast = 1;
    return p;
  }

  /** Runs a Job's command with its /data and /target paths under {@code root}. */
  private Arca.Result run(Job job, Path root) throws Exception {
    List<String> cmd = job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
    List<String> args = new ArrayList<>();
    for (String a : cmd.subList(1, cmd.size())) { // without "arca"
      args.add(
          a.startsWith(BackupJobs.DATA + "/") || a.equals("/target")
              ? root + a
              : a); // a mapped path, or the argument as the operator wrote it
    }
    return Arca.run(env, tmp.resolve("work"), args.toArray(String[]::new));
  }

  private String backup(BackupPolicy p, Path root, String content) throws Exception {
    Files.createDirectories(root.resolve("data/weights"));
    Files.writeString(root.resolve("data/weights/model.safetensors"), content);
    BackupRun run = new BackupRun(Instant.now(), false, null);
    JsonNode out =
        new ObjectMapper().readTree(run(BackupJobs.backup(p, run, cfg), root).ok().stdout());
    return out.get("snapshotId").asText();
  }

  private List<JsonNode> snapshotsOf(String host) throws Exception {
    JsonNode all =
        new ObjectMapper()
            .readTree(Arca.run(env, tmp.resolve("work"), "snapshots", "--json").ok().stdout());
    List<JsonNode> out = new ArrayList<>();
    (all.has("snapshots") ? all.get("snapshots") : all)
        .forEach(
            s -> {
              if (host.equals(s.get("host").asText())) {
                out.add(s);
              }
            });
    return out;
  }

  @Test
  void oneTeamsRetentionAndRestoresNeverReachTheOtherTeamsSnapshots() throws Exception {
    BackupPolicy a = policy("team-a", "uid-a");
    BackupPolicy b = policy("team-b", "uid-b");
    Path rootA = tmp.resolve("node-a");
    Path rootB = tmp.resolve("node-b");
    String lastA = null;
    List<String> ofB = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      lastA = backup(a, rootA, "team a weights " + i);
      ofB.add(backup(b, rootB, "team b weights " + i));
    }

    // team a's retention (keep the last one) after its backup
    run(MaintenanceJobs.forget(a, "training-backup-1", cfg), rootA).ok();
    assertThat(snapshotsOf("team-a/training")).hasSize(1);
    assertThat(snapshotsOf("team-b/training")).hasSize(3);

    // a restore through team a's policy, asked for team b's snapshot by id: refused
    RestoreRequest r = new RestoreRequest();
    r.setMetadata(new ObjectMetaBuilder().withName("steal").withNamespace("team-a").build());
    r.setSpec(new RestoreRequestSpec());
    r.getSpec().target = new RestoreRequestSpec.Target();
    r.getSpec().target.pvc = "weights";
    SnapshotOwner own = SnapshotOwner.of(a).anyIncarnation();
    Arca.Result stolen =
        run(
            RestoreJobs.restore(
                r, a.getSpec().repository, ofB.get(2), null, own, "weights", null, cfg),
            rootA);
    assertThat(stolen.exitCode()).isEqualTo(2);
    assertThat(stolen.stdout() + stolen.stderr())
        .contains("is not one of the snapshots selected by --host team-a/training");
    assertThat(rootA.resolve("target/weights/model.safetensors")).doesNotExist();

    // the same Job for latest restores team a's own newest snapshot, not team b's newer one
    run(
            RestoreJobs.restore(
                r, a.getSpec().repository, "latest", null, own, "weights", null, cfg),
            rootA)
        .ok();
    assertThat(rootA.resolve("target/weights/model.safetensors")).hasContent("team a weights 2");
    assertThat(lastA).isNotNull();
  }
}
