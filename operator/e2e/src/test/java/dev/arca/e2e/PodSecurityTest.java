package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.BackupPolicySpec;
import dev.arca.api.v1alpha1.DumpSource;
import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.api.v1alpha1.RepositorySpec;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.RestoreRequestSpec;
import dev.arca.api.v1alpha1.SecretKeyRef;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.jobs.BackupJobs;
import dev.arca.controller.jobs.BackupRun;
import dev.arca.controller.jobs.MaintenanceJobs;
import dev.arca.controller.jobs.RestoreJobs;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pods of the Jobs, built by the operator's code with the settings the chart renders, against
 * the real API server's PodSecurity admission (on by default in kube-apiserver; the local control
 * plane does not turn it off): in namespaces that enforce {@code baseline} and {@code restricted},
 * each pod is created with a server-side dry run.
 */
class PodSecurityTest {
  /** The Jobs' container context before DAC_READ_SEARCH was dropped. */
  static final String OLD_ROOT_CONTAINER =
      "{\"allowPrivilegeEscalation\":false,\"readOnlyRootFilesystem\":true,"
          + "\"capabilities\":{\"drop\":[\"ALL\"],"
          + "\"add\":[\"CHOWN\",\"DAC_OVERRIDE\",\"DAC_READ_SEARCH\",\"FOWNER\",\"FSETID\"]}}";

  @Test
  void theDefaultJobsAreAdmittedWhereBaselineIsEnforcedAndTheOldDefaultWasNot() {
    String ns = enforcing("baseline");
    OperatorConfig chart = OperatorConfig.fromEnv(chartEnv(Map.of()));
    pods(chart, null).forEach((kind, pod) -> assertThat(admitted(ns, kind, pod)).isTrue());

    Map<String, String> env = new LinkedHashMap<>(chartEnv(Map.of()));
    env.put("ARCA_JOB_CONTAINER_SECURITY_CONTEXT", OLD_ROOT_CONTAINER);
    PodSpec old = pods(OperatorConfig.fromEnv(env), null).get("backup");
    assertThatThrownBy(() -> admitted(ns, "old-backup", old))
        .hasMessageContaining("violates PodSecurity \"baseline:latest\"")
        .hasMessageContaining("DAC_READ_SEARCH");
  }

  @Test
  void theJobsOfRunAsRootFalseAreAdmittedWhereRestrictedIsEnforcedAndRootJobsAreNot() {
    String ns = enforcing("restricted");
    OperatorConfig nonRoot = OperatorConfig.fromEnv(chartEnv(Map.of("jobs.runAsRoot", false)));
    pods(nonRoot, null).forEach((kind, pod) -> assertThat(admitted(ns, kind, pod)).isTrue());

    OperatorConfig root = OperatorConfig.fromEnv(chartEnv(Map.of()));
    assertThatThrownBy(() -> admitted(ns, "root-backup", pods(root, null).get("backup")))
        .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
        .hasMessageContaining("runAsNonRoot");
  }

  @Test
  void aResourcesJobSettingsCannotTakeNonRootJobsOutOfRestricted() {
    String ns = enforcing("restricted");
    OperatorConfig nonRoot = OperatorConfig.fromEnv(chartEnv(Map.of("jobs.runAsRoot", false)));
    JobOverrides loosen = new JobOverrides();
    loosen.podSecurityContext =
        new PodSecurityContextBuilder()
            .withRunAsNonRoot(false)
            .withRunAsUser(0L)
            .withRunAsGroup(0L)
            .withNewSeccompProfile()
            .withType("Unconfined")
            .endSeccompProfile()
            .build();
    pods(nonRoot, loosen)
        .forEach((kind, pod) -> assertThat(admitted(ns, "loosened-" + kind, pod)).isTrue());
    // what a resource may choose: another user, still restricted
    JobOverrides user = new JobOverrides();
    user.podSecurityContext =
        new PodSecurityContextBuilder().withRunAsUser(1000L).withFsGroup(1000L).build();
    assertThat(admitted(ns, "user-backup", pods(nonRoot, user).get("backup"))).isTrue();
  }

  /**
   * Root with DAC_OVERRIDE alone reads a file of another owner with no permissions, in a folder
   * only that owner may enter: why the Jobs need no DAC_READ_SEARCH. On the real node (runc) or the
   * kubelet stand-in, whose pods get exactly the capabilities of their security context (setpriv),
   * in a namespace that enforces baseline; without DAC_OVERRIDE the same pod is denied, so the
   * check is real.
   */
  @Test
  void aRootJobReadsFilesOfAnyOwnerAndModeWithoutDacReadSearch() {
    if (Target.external()) {
      return; // root on the stand-in is root of this machine; elsewhere the runtime's own
    }
    String ns = enforcing("baseline");
    Cluster.claim(ns, "team-data");
    Pods.shell(
        ns,
        "write-private",
        """
        mkdir -m 700 /data/team
        printf 'weights of team 1234' > /data/team/key
        chmod 000 /data/team/key
        chown -R 1234:1234 /data/team
        """,
        "team-data");
    String read =
        "if cat /data/team/key; then echo ' READ'; else echo DENIED; fi;"
            + " ls /data/team || echo NOT-LISTED";
    OperatorConfig chart = OperatorConfig.fromEnv(chartEnv(Map.of()));
    PodSpec job = pods(chart, null).get("backup");
    assertThat(job.getContainers().get(0).getSecurityContext().getCapabilities().getAdd())
        .doesNotContain("DAC_READ_SEARCH")
        .contains("DAC_OVERRIDE");
    assertThat(
            Pods.run(
                ns,
                "read-as-job",
                List.of("sh", "-c", read),
                List.of(),
                "team-data",
                job.getSecurityContext(),
                job.getContainers().get(0).getSecurityContext()))
        .contains("weights of team 1234 READ", "key")
        .doesNotContain("NOT-LISTED");

    var without =
        new SecurityContextBuilder(job.getContainers().get(0).getSecurityContext())
            .editCapabilities()
            .withAdd("CHOWN", "FOWNER", "FSETID")
            .endCapabilities()
            .build();
    assertThat(
            Pods.run(
                ns,
                "read-without",
                List.of("sh", "-c", read),
                List.of(),
                "team-data",
                job.getSecurityContext(),
                without))
        .contains("DENIED", "NOT-LISTED")
        .doesNotContain("weights of team 1234");
  }

  /** A namespace that enforces the Pod Security Standard {@code level} (latest version). */
  static String enforcing(String level) {
    String ns = "podsec-" + level;
    KubernetesClient c = Cluster.get().client();
    c.namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .addToLabels("arca.dev/e2e", "true")
                .addToLabels("pod-security.kubernetes.io/enforce", level)
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                .endMetadata()
                .build())
        .serverSideApply();
    return ns;
  }

  /**
   * Whether the API server admits {@code spec} as a pod in {@code ns} (a server-side dry run);
   * throws the API server's refusal. The service accounts it names are created first (the
   * ServiceAccount admission refuses pods of a missing account before PodSecurity is asked).
   */
  static boolean admitted(String ns, String name, PodSpec spec) {
    KubernetesClient c = Cluster.get().client();
    String sa = spec.getServiceAccountName() == null ? "default" : spec.getServiceAccountName();
    c.serviceAccounts()
        .inNamespace(ns)
        .resource(new ServiceAccountBuilder().withNewMetadata().withName(sa).endMetadata().build())
        .serverSideApply();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .withSpec(spec)
            .build();
    try {
      Pod created = c.pods().inNamespace(ns).resource(pod).dryRun().create();
      return created != null;
    } catch (KubernetesClientException e) {
      throw new AssertionError(name + " in " + ns + ": " + e.getMessage(), e);
    }
  }

  /** The operator's environment as the chart renders it with {@code set} (keys in --set form). */
  static Map<String, String> chartEnv(Map<String, Object> set) {
    var t =
        Charts.CHART
            .template()
            .withName("arca")
            .withNamespace(Cluster.OPERATOR_NAMESPACE)
            .withKubeVersion(Cluster.get().client().getKubernetesVersion().getGitVersion());
    for (var e : set.entrySet()) {
      t = t.set(e.getKey(), e.getValue());
    }
    String yaml = t.call();
    List<HasMetadata> docs =
        Cluster.get()
            .client()
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .items();
    Container operator =
        docs.stream()
            .filter(d -> d instanceof Deployment)
            .map(d -> ((Deployment) d).getSpec().getTemplate().getSpec().getContainers().get(0))
            .findFirst()
            .orElseThrow();
    return operator.getEnv().stream()
        .collect(
            Collectors.toMap(
                EnvVar::getName,
                e -> e.getValue() == null ? "" : e.getValue(),
                (a, b) -> b,
                LinkedHashMap::new));
  }

  /**
   * Pods of three shapes of Job: a backup with a PVC and a dump source (its own exec account), a
   * verify (repository only), a restore into a PVC.
   */
  static Map<String, PodSpec> pods(OperatorConfig cfg, JobOverrides job) {
    BackupPolicy p = new BackupPolicy();
    p.setMetadata(
        new ObjectMetaBuilder().withName("training").withNamespace("x").withUid("uid-1").build());
    p.setSpec(new BackupPolicySpec());
    p.getSpec().schedule = "@daily";
    p.getSpec().job = job;
    p.getSpec().repository = new RepositorySpec();
    p.getSpec().repository.url = "s3://bucket/training";
    p.getSpec().repository.passwordSecretRef = new SecretKeyRef("pw", "password");
    BackupPolicySpec.Source pvc = new BackupPolicySpec.Source();
    pvc.pvc = "weights";
    BackupPolicySpec.Source dump = new BackupPolicySpec.Source();
    dump.dump = new DumpSource();
    dump.dump.path = "db/app.sql";
    dump.dump.pod = "postgres-0";
    dump.dump.command = List.of("pg_dump", "app");
    p.getSpec().sources = List.of(pvc, dump);
    p.getSpec().verify = new BackupPolicySpec.VerifySpec();
    Instant t = Instant.parse("2026-11-26T02:30:00Z");
    RestoreRequest r = new RestoreRequest();
    r.setMetadata(new ObjectMetaBuilder().withName("back").withNamespace("x").build());
    r.setSpec(new RestoreRequestSpec());
    r.getSpec().job = job;
    r.getSpec().target = new RestoreRequestSpec.Target();
    r.getSpec().target.pvc = "restored";
    Map<String, PodSpec> out = new LinkedHashMap<>();
    out.put("backup", spec(BackupJobs.backup(p, new BackupRun(t, false, null), cfg)));
    out.put("verify", spec(MaintenanceJobs.verify(p, t, cfg)));
    out.put(
        "restore",
        spec(
            RestoreJobs.restore(
                r, p.getSpec().repository, "latest", null, null, "weights", null, cfg)));
    return out;
  }

  private static PodSpec spec(Job job) {
    return job.getSpec().getTemplate().getSpec();
  }
}
