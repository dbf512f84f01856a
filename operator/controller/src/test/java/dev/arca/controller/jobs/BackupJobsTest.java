package dev.arca.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.AzureSpec;
import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.CredentialsSecretRef;
import dev.arca.api.v1alpha1.GcsSpec;
import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.S3Spec;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.controller.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BackupJobsTest {
  static final OperatorConfig CFG =
      OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "registry.local/arca:1.2.3"));

  static BackupPolicy policy() {
    BackupPolicy p = new BackupPolicy();
    p.setMetadata(
        new ObjectMetaBuilder().withName("training").withNamespace("llm").withUid("uid-1").build());
    BackupPolicySpec s = new BackupPolicySpec();
    s.schedule = "@daily";
    BackupPolicySpec.Source ckpt = new BackupPolicySpec.Source();
    ckpt.pvc = "checkpoints";
    ckpt.exclude = List.of("**/*.tmp");
    BackupPolicySpec.Source data = new BackupPolicySpec.Source();
    data.pvc = "datasets";
    data.include = List.of("curated/**");
    s.sources = List.of(ckpt, data);
    s.repository = new RepositorySpec();
    s.repository.url = "s3://llm-backups/training";
    s.repository.passwordSecretRef = new SecretKeyRef("arca-password", null);
    s.repository.credentialsSecretRef = new CredentialsSecretRef();
    s.repository.credentialsSecretRef.name = "minio-credentials";
    s.repository.s3 = new S3Spec();
    s.repository.s3.endpoint = "https://minio.storage.svc:9000";
    s.repository.s3.caSecretRef = new SecretKeyRef("minio-ca", "ca.pem");
    s.tags = Map.of("team", "llm");
    p.setSpec(s);
    return p;
  }

  static Map<String, EnvVar> env(Container c) {
    return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void aSnapshotSourceIsReadFromItsTemporaryClaimAtItsOwnPathAndItsSnapshotsAreRecorded() {
    BackupPolicy p = policy();
    p.getSpec().sources.get(0).copyMethod = BackupPolicySpec.CopyMethod.Snapshot;
    Job job =
        BackupJobs.backup(
            p, new BackupRun(Instant.parse("2026-11-26T02:30:00Z"), false, null), CFG);
    String tmp = SnapshotCopies.name("training-backup-202611260230", "checkpoints");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Map<String, String> claims =
        pod.getVolumes().stream()
            .filter(v -> v.getPersistentVolumeClaim() != null)
            .collect(
                Collectors.toMap(
                    v -> v.getName(), v -> v.getPersistentVolumeClaim().getClaimName()));
    assertThat(claims.values()).containsExactlyInAnyOrder(tmp, "datasets");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .allMatch(v -> v.getPersistentVolumeClaim().getReadOnly());
    var mount =
        pod.getContainers().get(0).getVolumeMounts().stream()
            .filter(m -> tmp.equals(claims.get(m.getName())))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getMountPath()).isEqualTo("/data/checkpoints");
    assertThat(mount.getReadOnly()).isTrue();

    var taken =
        new dev.arca.api.v1alpha1.BackupPolicyStatus.VolumeSnapshotTaken("checkpoints", tmp);
    taken.creationTime = "2026-11-26T02:30:02Z";
    taken.readyToUse = true;
    BackupJobs.recordSnapshots(job, List.of(taken));
    assertThat(BackupJobs.snapshotsOf(job))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.pvc).isEqualTo("checkpoints");
              assertThat(t.volumeSnapshot).isEqualTo(tmp);
              assertThat(t.creationTime).isEqualTo("2026-11-26T02:30:02Z");
            });
    job.getMetadata().getAnnotations().put(Labels.VOLUME_SNAPSHOTS, "{not json");
    assertThat(BackupJobs.snapshotsOf(job)).as("an annotation edited by hand").isEmpty();
  }

  @Test
  void aScheduledRunBecomesAJobThatMountsSourcesReadOnlyAndTakesSecretsByReference() {
    Job job =
        BackupJobs.backup(
            policy(), new BackupRun(Instant.parse("2026-11-26T02:30:00Z"), false, null), CFG);

    assertThat(job.getMetadata().getName()).isEqualTo("training-backup-202611260230");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("llm");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "arca")
        .containsEntry("arca.dev/policy", "training")
        .containsEntry("arca.dev/run", "backup");
    assertThat(job.getMetadata().getAnnotations()).containsEntry("arca.dev/mode", "incremental");
    var owner = job.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getUid()).isEqualTo("uid-1");
    assertThat(owner.getController()).isTrue();
    assertThat(owner.getKind()).isEqualTo("BackupPolicy");
    assertThat(job.getSpec().getBackoffLimit()).isZero();

    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsUser()).isZero();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("registry.local/arca:1.2.3");
    assertThat(c.getCommand())
        .containsExactly(
            "arca",
            "backup",
            "--json",
            "--progress-json",
            "--host",
            "llm/training",
            "--tag",
            "arca.dev/namespace=llm",
            "--tag",
            "arca.dev/policy=training",
            "--tag",
            "arca.dev/policy-uid=uid-1",
            "--tag",
            "team=llm",
            "--include",
            "checkpoints/**",
            "--exclude",
            "checkpoints/*.tmp",
            "--exclude",
            "checkpoints/**/*.tmp",
            "--include",
            "datasets/curated/**",
            "/data/checkpoints",
            "/data/datasets");
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getMountPath() + ":" + m.getReadOnly())
        .containsExactlyInAnyOrder(
            "/etc/arca/ca:true", "/data/checkpoints:true", "/data/datasets:true", "/tmp:null");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("tmp"))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    var sc = c.getSecurityContext();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd())
        .containsExactlyInAnyOrder("CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(
            v ->
                v.getPersistentVolumeClaim().getClaimName()
                    + ":"
                    + v.getPersistentVolumeClaim().getReadOnly())
        .containsExactly("checkpoints:true", "datasets:true");

    Map<String, EnvVar> env = env(c);
    assertThat(env.get("ARCA_REPO").getValue()).isEqualTo("s3://llm-backups/training");
    assertThat(env.get("ARCA_PASSWORD").getValue()).isNull();
    assertThat(env.get("ARCA_PASSWORD").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("arca-password");
    assertThat(env.get("ARCA_PASSWORD").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("password");
    assertThat(env.get("AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("minio-credentials");
    assertThat(env.get("AWS_SECRET_ACCESS_KEY").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("AWS_SECRET_ACCESS_KEY");
    assertThat(env.get("AWS_ENDPOINT_URL").getValue()).isEqualTo("https://minio.storage.svc:9000");
    assertThat(env.get("AWS_CA_BUNDLE").getValue()).isEqualTo("/etc/arca/ca/ca.crt");
    assertThat(env.get("ARCA_SUMMARY_FILE").getValue()).isEqualTo(c.getTerminationMessagePath());
    assertThat(env.values())
        .allSatisfy(e -> assertThat(String.valueOf(e.getValue())).doesNotContain("secret"));
    var ca = pod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertThat(ca.getSecret().getSecretName()).isEqualTo("minio-ca");
    assertThat(ca.getSecret().getItems().get(0).getKey()).isEqualTo("ca.pem");
    assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
    assertThat(env.get("ARCA_JAVA_OPTS").getValue()).isEqualTo("-Xmx614m"); // 60% of 1Gi
  }

  @Test
  void aKeyDomainReachesTheJobAsItsVariableAndACopyTargetsDomainAsItsTargetForm() {
    BackupPolicy p = policy();
    Map<String, EnvVar> none = env(job(p).getSpec().getTemplate().getSpec().getContainers().get(0));
    assertThat(none).doesNotContainKey("ARCA_DOMAIN");
    p.getSpec().repository.keyDomain = "team-a";
    Map<String, EnvVar> env = env(job(p).getSpec().getTemplate().getSpec().getContainers().get(0));
    assertThat(env.get("ARCA_DOMAIN").getValue()).isEqualTo("team-a");

    // a copy target without a domain of its own takes the policy's, in its Jobs on both sides
    BackupPolicySpec.CopyTarget t = new BackupPolicySpec.CopyTarget();
    t.name = "offsite";
    t.repository = new RepositorySpec();
    t.repository.url = "s3://offsite/models";
    t.repository.passwordSecretRef = new SecretKeyRef("pw-offsite", "password");
    t.retention = new BackupPolicySpec.RetentionSpec();
    t.retention.keepLast = 3;
    Job copy = MaintenanceJobs.copy(p, t, "after-backup", CFG);
    Map<String, EnvVar> copyEnv =
        env(copy.getSpec().getTemplate().getSpec().getContainers().get(0));
    assertThat(copyEnv.get("ARCA_DOMAIN").getValue()).isEqualTo("team-a");
    assertThat(copyEnv.get("ARCA_TO_DOMAIN").getValue()).isEqualTo("team-a");
    Job forget = MaintenanceJobs.forgetCopies(p, t, "copy-job", CFG);
    assertThat(env(forget.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .satisfies(e -> assertThat(e.get("ARCA_REPO").getValue()).isEqualTo("s3://offsite/models"))
        .satisfies(e -> assertThat(e.get("ARCA_DOMAIN").getValue()).isEqualTo("team-a"));
    assertThat(t.repository.keyDomain).as("the policy's spec is left as it is").isNull();
    t.repository.keyDomain = "archive";
    copy = MaintenanceJobs.copy(p, t, "after-backup", CFG);
    assertThat(env(copy.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .satisfies(e -> assertThat(e.get("ARCA_TO_DOMAIN").getValue()).isEqualTo("archive"));
  }

  private static Job job(BackupPolicy p) {
    return BackupJobs.backup(
        p, new BackupRun(Instant.parse("2026-11-26T02:30:00Z"), false, null), CFG);
  }

  @Test
  void aGcsRepositoryGetsItsEndpointAndKeyFileAndNoS3Settings() {
    BackupPolicy p = policy();
    RepositorySpec r = p.getSpec().repository;
    r.url = "gs://llm-backups/training";
    r.s3 = null;
    r.credentialsSecretRef = null;
    r.gcs = new GcsSpec();
    r.gcs.endpoint = "http://fake-gcs.storage.svc:4443";
    r.gcs.keySecretRef = new SecretKeyRef("gcs-backup-key", null);
    Job job =
        BackupJobs.backup(
            p, new BackupRun(Instant.parse("2026-11-26T02:30:00Z"), false, null), CFG);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    Map<String, EnvVar> env = env(c);
    assertThat(env.get("ARCA_REPO").getValue()).isEqualTo("gs://llm-backups/training");
    assertThat(env.get("STORAGE_EMULATOR_HOST").getValue())
        .isEqualTo("http://fake-gcs.storage.svc:4443");
    assertThat(env.get("GOOGLE_APPLICATION_CREDENTIALS").getValue())
        .isEqualTo("/etc/arca/gcs/key.json");
    assertThat(env.keySet()).noneMatch(k -> k.startsWith("AWS_"));
    var key =
        pod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertThat(key.getSecret().getSecretName()).isEqualTo("gcs-backup-key");
    assertThat(key.getSecret().getItems().get(0).getKey()).isEqualTo("key.json");
    assertThat(key.getSecret().getItems().get(0).getPath()).isEqualTo("key.json");
    assertThat(c.getVolumeMounts())
        .filteredOn(m -> m.getName().equals(key.getName()))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/etc/arca/gcs");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void anAzureRepositoryGetsItsEndpointAndKeyOrWorkloadIdentity() {
    BackupPolicy p = policy();
    RepositorySpec r = p.getSpec().repository;
    r.url = "azblob://llmbackups/training/models";
    r.s3 = null;
    r.credentialsSecretRef = null;
    r.azure = new AzureSpec();
    r.azure.endpoint = "http://azurite.storage.svc:10000/llmbackups";
    r.azure.keySecretRef = new SecretKeyRef("azure-storage", null);
    BackupRun run = new BackupRun(Instant.parse("2026-11-26T02:30:00Z"), false, null);
    Job job = BackupJobs.backup(p, run, CFG);
    Map<String, EnvVar> env = env(job.getSpec().getTemplate().getSpec().getContainers().get(0));
    assertThat(env.get("ARCA_AZURE_ENDPOINT").getValue())
        .isEqualTo("http://azurite.storage.svc:10000/llmbackups");
    assertThat(env.get("AZURE_STORAGE_KEY").getValue()).isNull();
    assertThat(env.get("AZURE_STORAGE_KEY").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("azure-storage");
    assertThat(env.get("AZURE_STORAGE_KEY").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("AZURE_STORAGE_KEY");
    assertThat(env.keySet()).noneMatch(k -> k.startsWith("AWS_"));
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .doesNotContainKey("azure.workload.identity/use");

    // no key and no SAS: AKS workload identity's webhook is asked in by the pod's label
    r.azure.keySecretRef = null;
    job = BackupJobs.backup(p, run, CFG);
    assertThat(env(job.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .doesNotContainKeys("AZURE_STORAGE_KEY", "AZURE_STORAGE_SAS_TOKEN");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("azure.workload.identity/use", "true");
  }

  @Test
  void fullRunsOverridesAndRunNowRequests() {
    BackupPolicy p = policy();
    p.getSpec().job = new JobOverrides();
    p.getSpec().job.serviceAccountName = "arca-backup";
    p.getSpec().job.activeDeadlineSeconds = 3600L;
    p.getSpec().job.nodeSelector = Map.of("disk", "ssd");
    p.getSpec().repository.s3.pathStyle = false;
    Job job =
        BackupJobs.backup(
            p, new BackupRun(Instant.parse("2026-11-26T02:30:00Z"), true, "2026-11-26T10:00"), CFG);
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getCommand()).contains("--full", "--s3-path-style=false");
    assertThat(job.getMetadata().getAnnotations()).containsEntry("arca.dev/mode", "full");
    assertThat(job.getMetadata().getName())
        .startsWith("training-backup-now-")
        .hasSizeLessThanOrEqualTo(63);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
    assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("arca-backup");
    assertThat(job.getSpec().getTemplate().getSpec().getNodeSelector())
        .containsEntry("disk", "ssd");
  }

  @Test
  void pinningToANodeKeepsTheAffinityTheJobSettingsGive() {
    BackupPolicy p = policy();
    p.getSpec().job = new JobOverrides();
    p.getSpec().job.affinity =
        new io.fabric8.kubernetes.api.model.AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("pool")
            .withOperator("In")
            .withValues("gpu")
            .endMatchExpression()
            .endNodeSelectorTerm()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("pool")
            .withOperator("In")
            .withValues("cpu")
            .endMatchExpression()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .withNewPodAntiAffinity()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(10)
            .withNewPodAffinityTerm()
            .withTopologyKey("kubernetes.io/hostname")
            .endPodAffinityTerm()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
            .endPodAntiAffinity()
            .build();
    String given = p.getSpec().job.affinity.toString();
    var run = new BackupRun(Instant.parse("2026-11-26T02:30:00Z"), false, null);
    var affinity =
        BackupJobs.backup(p, run, CFG, "gpu-node-7", java.util.Map.of())
            .getSpec()
            .getTemplate()
            .getSpec()
            .getAffinity();
    // each term of the settings, and the node: (gpu or cpu) and gpu-node-7
    var terms =
        affinity
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    assertThat(terms).hasSize(2);
    assertThat(terms)
        .allSatisfy(
            t -> {
              assertThat(t.getMatchExpressions()).hasSize(1);
              assertThat(t.getMatchFields())
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f.getKey()).isEqualTo("metadata.name");
                        assertThat(f.getValues()).containsExactly("gpu-node-7");
                      });
            });
    assertThat(affinity.getPodAntiAffinity())
        .isEqualTo(p.getSpec().job.affinity.getPodAntiAffinity());
    // the policy's own object is left as it was
    assertThat(p.getSpec().job.affinity.toString()).isEqualTo(given);
    // not pinned: the settings as given
    assertThat(
            BackupJobs.backup(p, run, CFG, null, java.util.Map.of())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity())
        .isEqualTo(p.getSpec().job.affinity);
  }

  @Test
  void volumeGlobsSelectTheSamePathsInTheSnapshotAsInTheVolume() {
    var filter =
        new dev.arca.engine.fs.PathFilter(
            List.of(), BackupJobs.rooted("ckpt", "**/*.tmp").stream().toList());
    assertThat(filter.excluded("ckpt/a.tmp")).isTrue();
    assertThat(filter.excluded("ckpt/run/step-1/b.tmp")).isTrue();
    assertThat(filter.excluded("ckpt/run/weights.bin")).isFalse();
    assertThat(filter.excluded("other/a.tmp")).isFalse();
  }

  @Test
  void eachVolumesCheckpointGlobsAreRootedAtItsPvcAndAMarkerRuleIsPassedOnce() {
    BackupPolicySpec.Source ckpt = policy().getSpec().sources.get(0);
    ckpt.checkpoints = new dev.arca.api.v1alpha1.CheckpointSource();
    ckpt.checkpoints.paths = List.of("runs/*/checkpoint-*");
    ckpt.checkpoints.complete = "DONE";
    BackupPolicySpec.Source data = policy().getSpec().sources.get(1);
    List<String> args = BackupJobs.checkpoints(List.of(ckpt, data));
    assertThat(args)
        .containsExactly(
            "--checkpoints", "checkpoints/runs/*/checkpoint-*", "--checkpoint-complete", "DONE");
    // the engine matches them as it matches includes: inside that volume only
    var matcher = dev.arca.engine.fs.Globs.compile(List.of(args.get(1)), "--checkpoints");
    assertThat(matcher.matches("checkpoints/runs/a/checkpoint-100")).isTrue();
    assertThat(matcher.matches("datasets/runs/a/checkpoint-100")).isFalse();
    assertThat(BackupJobs.checkpoints(List.of(data))).isEmpty();
  }

  @Test
  void longPolicyNamesGiveValidDistinctJobNames() {
    String a =
        new BackupRun(Instant.parse("2026-11-26T02:30:00Z"), false, null)
            .jobName("x".repeat(70) + "a");
    String b =
        new BackupRun(Instant.parse("2026-11-26T02:30:00Z"), false, null)
            .jobName("x".repeat(70) + "b");
    assertThat(a).hasSizeLessThanOrEqualTo(63).endsWith("-backup-202611260230").isNotEqualTo(b);
    assertThat(b).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }
}
