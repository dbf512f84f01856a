package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {
  @Test
  void defaultsRunJobsAsRootWithFewCapabilitiesCheckSecretsAndAllowNoDumps() {
    OperatorConfig c = OperatorConfig.fromEnv(Map.of());
    assertThat(c.jobSecurityContext().getRunAsUser()).isZero();
    assertThat(c.jobSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.jobContainerSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    // what Pod Security baseline allows: DAC_OVERRIDE reads and searches everything already
    assertThat(c.jobContainerSecurityContext().getCapabilities().getAdd())
        .containsExactly("CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID");
    assertThat(c.jobOverrideUserAndGroups()).isTrue();
    assertThat(c.checkSecrets()).isTrue();
    assertThat(c.dumpsAllowedIn("llm")).isFalse();
    assertThat(c.watchNamespaces()).isEmpty();
    assertThat(c.metricsPort()).isEqualTo(8080);
  }

  @Test
  void nonRootSecurityContextsComeFromJson() {
    OperatorConfig c =
        OperatorConfig.fromEnv(
            Map.of(
                "ARCA_JOB_POD_SECURITY_CONTEXT",
                "{\"runAsNonRoot\":true,\"runAsUser\":65532,\"fsGroup\":65532}",
                "ARCA_JOB_CONTAINER_SECURITY_CONTEXT",
                "{\"capabilities\":{\"drop\":[\"ALL\"]}}",
                "ARCA_CHECK_SECRETS",
                "false",
                "ARCA_JOB_OVERRIDE_USER_AND_GROUPS",
                "false",
                "ARCA_WATCH_NAMESPACES",
                " llm , data,"));
    assertThat(c.jobSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(c.jobSecurityContext().getFsGroup()).isEqualTo(65532L);
    assertThat(c.jobContainerSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(c.checkSecrets()).isFalse();
    assertThat(c.jobOverrideUserAndGroups()).isFalse();
    assertThat(c.watchNamespaces()).containsExactlyInAnyOrder("llm", "data");
  }

  @Test
  void dumpsRunOnlyInTheNamespacesAClusterAdminListed() {
    OperatorConfig some = OperatorConfig.fromEnv(Map.of("ARCA_DUMP_NAMESPACES", "llm, data"));
    assertThat(some.dumpsAllowedIn("llm")).isTrue();
    assertThat(some.dumpsAllowedIn("team-b")).isFalse();
    assertThat(OperatorConfig.fromEnv(Map.of("ARCA_DUMP_NAMESPACES", "*")).dumpsAllowedIn("x"))
        .isTrue();
  }

  @Test
  void malformedValuesNameTheirVariable() {
    assertThatThrownBy(
            () -> OperatorConfig.fromEnv(Map.of("ARCA_JOB_POD_SECURITY_CONTEXT", "{runAsUser")))
        .hasMessageStartingWith("ARCA_JOB_POD_SECURITY_CONTEXT must be a PodSecurityContext");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("ARCA_JOB_MEMORY_LIMIT", "lots")))
        .hasMessageContaining("ARCA_JOB_MEMORY_LIMIT is not a Kubernetes quantity");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("ARCA_CHECK_SECRETS", "yes")))
        .hasMessageContaining("ARCA_CHECK_SECRETS must be true or false");
    assertThatThrownBy(
            () -> OperatorConfig.fromEnv(Map.of("ARCA_JOB_OVERRIDE_USER_AND_GROUPS", "no")))
        .hasMessageContaining("ARCA_JOB_OVERRIDE_USER_AND_GROUPS must be true or false");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("ARCA_METRICS_PORT", "http")))
        .hasMessageContaining("ARCA_METRICS_PORT must be a port number");
  }
}
