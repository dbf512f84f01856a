package dev.arca.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import dev.arca.controller.OperatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the rendered chart runs, checked against what the operator's code expects. */
class ChartRenderTest {
  @Test
  void theOperatorRunsAsNonRootOnAReadOnlyFilesystemWithoutCapabilitiesAndIsProbed() {
    JsonNode pod = Chart.render(Map.of()).one("Deployment").at("/spec/template/spec");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asLong()).isPositive();
    JsonNode c = pod.at("/containers/0");
    assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(c.at("/securityContext/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
    assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(c.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
    assertThat(c.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
        .as("the operator needs its token")
        .isTrue();
  }

  @Test
  void theOperatorEnvironmentIsExactlyWhatOperatorConfigReads() {
    Map<String, String> env = Chart.render(Map.of()).operatorEnv();
    Set<String> launcherOnly = Set.of("ARCA_JAVA_OPTS");
    assertThat(env.keySet())
        .containsAll(OperatorConfig.KEYS)
        .allMatch(k -> OperatorConfig.KEYS.contains(k) || launcherOnly.contains(k));
    OperatorConfig cfg = OperatorConfig.fromEnv(env);
    assertThat(cfg.engineImage()).isEqualTo("ghcr.io/arca-dev/arca:0.1.0");
    assertThat(cfg.leaderElectionNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(cfg.watchNamespaces()).isEmpty();
    assertThat(cfg.checkSecrets()).isFalse(); // cluster-wide: no Secret rights, so no check
    assertThat(cfg.dumpsAllowedIn("default")).isFalse();
    assertThat(cfg.jobOverrideUserAndGroups()).isTrue();
    // Jobs: root, to read every file and restore owners, but with four capabilities only, those
    // Pod Security baseline allows, and the default seccomp profile: what the operator's own
    // defaults are
    assertThat(cfg.jobSecurityContext())
        .isEqualTo(OperatorConfig.fromEnv(Map.of()).jobSecurityContext());
    assertThat(cfg.jobSecurityContext().getRunAsUser()).isZero();
    assertThat(cfg.jobSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(cfg.jobContainerSecurityContext())
        .isEqualTo(OperatorConfig.fromEnv(Map.of()).jobContainerSecurityContext());
    assertThat(cfg.jobContainerSecurityContext().getCapabilities().getAdd())
        .containsExactlyInAnyOrder("CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID");
    assertThat(cfg.jobContainerSecurityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  /** Pod Security restricted: non-root, no capabilities, no escalation, a seccomp profile. */
  @Test
  void jobsCanRunAsNonRootWhereTheClusterForbidsRoot() {
    OperatorConfig cfg =
        OperatorConfig.fromEnv(Chart.render(Map.of("jobs.runAsRoot", false)).operatorEnv());
    assertThat(cfg.jobSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(cfg.jobSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(cfg.jobSecurityContext().getFsGroup()).isEqualTo(65532L);
    assertThat(cfg.jobSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(cfg.jobContainerSecurityContext().getCapabilities().getDrop())
        .containsExactly("ALL");
    assertThat(cfg.jobContainerSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(cfg.jobContainerSecurityContext().getAllowPrivilegeEscalation()).isFalse();
  }

  @Test
  void everyOptionReachesTheOperator() {
    Chart c = Chart.renderAllOptions();
    OperatorConfig cfg = OperatorConfig.fromEnv(c.operatorEnv());
    assertThat(cfg.watchNamespaces()).containsExactlyInAnyOrder("llm", "datasets");
    assertThat(cfg.engineImage()).isEqualTo("registry.example.com/ml/arca-jobs:0.1.0-jobs");
    assertThat(cfg.jobResources().getLimits().get("memory").toString()).isEqualTo("4Gi");
    assertThat(cfg.jobServiceAccount()).isEqualTo("arca-job");
    assertThat(cfg.jobSecurityContext().getRunAsUser()).isEqualTo(3000L);
    assertThat(cfg.jobOverrideUserAndGroups()).isFalse();
    assertThat(cfg.checkSecrets()).isFalse();
    assertThat(cfg.metricsPort()).isEqualTo(9090);
    JsonNode d = c.one("Deployment");
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
    JsonNode pod = d.at("/spec/template/spec");
    assertThat(pod.at("/containers/0/image").asText())
        .isEqualTo("registry.example.com/ml/arca:0.1.0-test");
    assertThat(pod.at("/imagePullSecrets/0/name").asText()).isEqualTo("registry-pull");
    assertThat(pod.at("/priorityClassName").asText()).isEqualTo("system-cluster-critical");
    assertThat(pod.at("/tolerations/0/key").asText()).isEqualTo("dedicated");
    assertThat(pod.at("/containers/0/ports/0/containerPort").asInt()).isEqualTo(9090);
    assertThat(c.one("PodDisruptionBudget").at("/spec/selector/matchLabels"))
        .isEqualTo(d.at("/spec/selector/matchLabels"));
  }

  @Test
  void theServiceMonitorScrapesTheMetricsServiceOfTheOperatorPods() {
    Chart c = Chart.renderAllOptions();
    JsonNode svc = c.one("Service");
    JsonNode sm = c.one("ServiceMonitor");
    JsonNode podLabels = c.one("Deployment").at("/spec/template/metadata/labels");
    svc.at("/spec/selector")
        .fields()
        .forEachRemaining(e -> assertThat(podLabels.path(e.getKey())).isEqualTo(e.getValue()));
    sm.at("/spec/selector/matchLabels")
        .fields()
        .forEachRemaining(
            e -> assertThat(svc.at("/metadata/labels").path(e.getKey())).isEqualTo(e.getValue()));
    assertThat(sm.at("/spec/endpoints/0/port").asText())
        .isEqualTo(svc.at("/spec/ports/0/name").asText());
    assertThat(svc.at("/spec/ports/0/targetPort").asText()).isEqualTo("metrics");
    assertThat(sm.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
  }

  /** Every metric an alert reads is one the operator exports (scraped from its registry). */
  @Test
  void alertsUseMetricsTheOperatorExports() {
    JsonNode rule = Chart.renderAllOptions().one("PrometheusRule");
    Set<String> exported = ExportedMetrics.labelsByName().keySet();
    List<String> alerts = new java.util.ArrayList<>();
    for (JsonNode r : rule.at("/spec/groups/0/rules")) {
      alerts.add(r.path("alert").asText());
      Matcher used = Pattern.compile("arca_[a-z_]+").matcher(r.path("expr").asText());
      while (used.find()) {
        assertThat(exported).as("alert %s reads a metric", r.path("alert")).contains(used.group());
      }
    }
    assertThat(alerts)
        .containsExactly("ArcaBackupOverdue", "ArcaBackupFailed", "ArcaVerifyDamageFound");
    assertThat(rule.at("/spec/groups/0/rules/0/expr").asText()).contains("* 3");
    assertThat(rule.at("/spec/groups/0/rules/0/annotations/description").asText())
        .contains("{{ $labels.namespace }}/{{ $labels.policy }}");
  }

  @Test
  void theCrdsHelmInstallsAreTheFilesOfCrds() throws IOException {
    // helm show crds prints the chart's crds/ files in name order, one after another
    String shown = new Helm(Chart.DIR).show().crds().call();
    StringBuilder expected = new StringBuilder();
    try (Stream<Path> s = Files.list(Chart.CHECKOUT.resolve("crds"))) {
      s.sorted().forEach(p -> expected.append(read(p)).append('\n'));
    }
    assertThat(shown.strip()).isEqualTo(expected.toString().strip());
    assertThat(Chart.parse(expected.toString().replace("\n# Generated", "\n---\n# Generated")))
        .extracting(d -> d.at("/spec/names/kind").asText())
        .containsExactly(
            "BackupPolicy", "ErasureRequest", "RestoreRequest", "SnapshotCatalog", "Snapshot");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
