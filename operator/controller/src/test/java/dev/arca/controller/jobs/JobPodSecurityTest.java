package dev.arca.controller.jobs;

import static dev.arca.controller.jobs.PodSecurityStandards.baseline;
import static dev.arca.controller.jobs.PodSecurityStandards.restricted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.DumpSource;
import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.api.v1alpha1.PipeTarget;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.controller.OperatorConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pods of every kind of Job against the Pod Security Standards: the default Jobs (root) pass
 * baseline, the chart's jobs.runAsRoot=false Jobs pass restricted, and a resource's job settings
 * cannot take them out of either.
 */
class JobPodSecurityTest {
  static final OperatorConfig DEFAULT = OperatorConfig.fromEnv(Map.of());

  /**
   * What the chart renders for jobs.runAsRoot=false (PodSecurityTest in e2e uses the chart's own).
   */
  static final OperatorConfig NON_ROOT =
      OperatorConfig.fromEnv(
          Map.of(
              "ARCA_JOB_POD_SECURITY_CONTEXT",
              "{\"runAsNonRoot\":true,\"runAsUser\":65532,\"runAsGroup\":65532,\"fsGroup\":65532,"
                  + "\"fsGroupChangePolicy\":\"OnRootMismatch\","
                  + "\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}",
              "ARCA_JOB_CONTAINER_SECURITY_CONTEXT",
              "{\"allowPrivilegeEscalation\":false,\"readOnlyRootFilesystem\":true,"
                  + "\"capabilities\":{\"drop\":[\"ALL\"]}}"));

  /** The Jobs' default before DAC_READ_SEARCH was dropped (and seccomp set). */
  static final OperatorConfig OLD_DEFAULT =
      OperatorConfig.fromEnv(
          Map.of(
              "ARCA_JOB_POD_SECURITY_CONTEXT",
              "{\"runAsUser\":0,\"runAsGroup\":0}",
              "ARCA_JOB_CONTAINER_SECURITY_CONTEXT",
              "{\"allowPrivilegeEscalation\":false,\"readOnlyRootFilesystem\":true,"
                  + "\"capabilities\":{\"drop\":[\"ALL\"],"
                  + "\"add\":[\"CHOWN\",\"DAC_OVERRIDE\",\"DAC_READ_SEARCH\",\"FOWNER\",\"FSETID\"]}}"));

  /** The pod of each kind of Job of a policy and a restore with {@code job} settings. */
  static Map<String, PodSpec> pods(OperatorConfig cfg, JobOverrides job) {
    BackupPolicy p = BackupJobsTest.policy();
    p.getSpec().job = job;
    p.getSpec().retention = new BackupPolicySpec.RetentionSpec();
    p.getSpec().retention.keepLast = 3;
    p.getSpec().prune = new BackupPolicySpec.PruneSpec();
    p.getSpec().verify = new BackupPolicySpec.VerifySpec();
    BackupPolicySpec.Source dump = new BackupPolicySpec.Source();
    dump.dump = new DumpSource();
    dump.dump.path = "db/app.sql";
    dump.dump.pod = "postgres-0";
    dump.dump.command = List.of("pg_dump", "app");
    p.getSpec().sources = new ArrayList<>(p.getSpec().sources);
    p.getSpec().sources.add(dump);
    Instant t = Instant.parse("2026-11-26T02:30:00Z");
    Map<String, Job> jobs = new LinkedHashMap<>();
    jobs.put("backup", BackupJobs.backup(p, new BackupRun(t, false, null), cfg));
    jobs.put("forget", MaintenanceJobs.forget(p, "training-backup-202611260230", cfg));
    jobs.put("prune", MaintenanceJobs.prune(p, t, cfg));
    jobs.put("verify", MaintenanceJobs.verify(p, t, cfg));
    RestoreRequest r = new RestoreRequest();
    r.setMetadata(
        new ObjectMetaBuilder().withName("back").withNamespace("llm").withUid("uid-2").build());
    r.setSpec(new RestoreRequestSpec());
    r.getSpec().job = job;
    r.getSpec().target = new RestoreRequestSpec.Target();
    r.getSpec().target.pvc = "restored";
    var repo = p.getSpec().repository;
    jobs.put(
        "restore", RestoreJobs.restore(r, repo, "latest", null, null, "checkpoints", null, cfg));
    r.getSpec().pipe = new PipeTarget();
    r.getSpec().pipe.path = "db/app.sql";
    r.getSpec().pipe.pod = "postgres-0";
    r.getSpec().pipe.command = List.of("psql", "app");
    jobs.put("pipe", RestoreJobs.pipe(r, repo, "latest", null, null, "postgres-0", cfg));
    Map<String, PodSpec> out = new LinkedHashMap<>();
    jobs.forEach((k, j) -> out.put(k, j.getSpec().getTemplate().getSpec()));
    return out;
  }

  static JobOverrides job(String podSecurityContextYaml) {
    JobOverrides o = new JobOverrides();
    try {
      o.podSecurityContext =
          new YAMLMapper().readValue(podSecurityContextYaml, PodSecurityContext.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return o;
  }

  @Test
  void theDefaultJobsPassBaselineAndRunAsRootUnderTheDefaultSeccompProfile() {
    pods(DEFAULT, null)
        .forEach(
            (kind, pod) -> {
              assertThat(baseline(pod)).as("%s Job against baseline", kind).isEmpty();
              assertThat(restricted(pod)).as("%s Job against restricted", kind).isNotEmpty();
              assertThat(pod.getSecurityContext().getRunAsUser()).isZero();
              assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                  .isEqualTo("RuntimeDefault");
            });
  }

  @Test
  void theOldDefaultAddedACapabilityBaselineForbids() {
    assertThat(baseline(pods(OLD_DEFAULT, null).get("backup")))
        .containsExactly("arca: capability DAC_READ_SEARCH");
  }

  @Test
  void nonRootJobsPassRestricted() {
    pods(NON_ROOT, null)
        .forEach(
            (kind, pod) ->
                assertThat(restricted(pod)).as("%s Job against restricted", kind).isEmpty());
  }

  @Test
  void aResourceCannotTakeNonRootJobsOutOfRestricted() {
    JobOverrides loosen =
        job(
            "{runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, supplementalGroups: [0],"
                + " seccompProfile: {type: Unconfined}}");
    pods(NON_ROOT, loosen)
        .forEach(
            (kind, pod) -> {
              assertThat(restricted(pod)).as("%s Job against restricted", kind).isEmpty();
              assertThat(pod.getSecurityContext()).isEqualTo(NON_ROOT.jobSecurityContext());
            });
  }

  @Test
  void aResourceCannotTakeDefaultJobsOutOfBaseline() {
    JobOverrides loosen =
        job(
            "{seccompProfile: {type: Unconfined}, appArmorProfile: {type: Unconfined},"
                + " seLinuxOptions: {type: spc_t}, sysctls: [{name: kernel.msgmax, value: '1'}],"
                + " windowsOptions: {hostProcess: true}}");
    pods(DEFAULT, loosen)
        .forEach(
            (kind, pod) -> assertThat(baseline(pod)).as("%s Job against baseline", kind).isEmpty());
  }

  @Test
  void aResourceMayChooseANonRootUserAndStayRestricted() {
    PodSecurityContext psc =
        pods(NON_ROOT, job("{runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}"))
            .get("backup")
            .getSecurityContext();
    assertThat(psc.getRunAsUser()).isEqualTo(1000L);
    assertThat(psc.getRunAsNonRoot()).isTrue();
    assertThat(psc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(
            restricted(
                pods(NON_ROOT, job("{runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}"))
                    .get("backup")))
        .isEmpty();
  }
}
