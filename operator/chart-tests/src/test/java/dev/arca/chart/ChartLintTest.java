package dev.arca.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helm lint --strict with the defaults and with every option on, and the chart's own refusals. */
class ChartLintTest {
  @Test
  void lintsStrictWithDefaultValues() {
    LintResult r = new Helm(Chart.DIR).lint().strict().call();
    assertThat(r.getMessages()).as("helm lint messages").noneMatch(m -> m.contains("[ERROR]"));
    assertThat(r.isFailed()).as("helm lint failed: %s", r.getMessages()).isFalse();
  }

  /** helm lint takes no values file: lint a copy whose values.yaml turns every option on. */
  @Test
  void lintsStrictWithEveryOptionOn(@TempDir Path tmp) throws IOException {
    Path copy = tmp.resolve("arca");
    try (Stream<Path> files = Files.walk(Chart.DIR)) {
      for (Path p : files.toList()) {
        Path to = copy.resolve(Chart.DIR.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Files.copy(
        Chart.ALL_OPTIONS,
        copy.resolve("values.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    LintResult r = new Helm(copy).lint().strict().call();
    assertThat(r.isFailed()).as("helm lint failed: %s", r.getMessages()).isFalse();
  }

  @Test
  void valuesOfTheWrongTypeAreRefusedByTheSchema() {
    assertThatThrownBy(() -> Chart.render(Map.of("replicas", "two")))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> Chart.render(Map.of("jobs.runAsroot", "false")))
        .hasMessageContaining("runAsroot");
  }

  @Test
  void twoReplicasWithoutLeaderElectionAreRefused() {
    assertThatThrownBy(() -> Chart.render(Map.of("replicas", 2, "leaderElection.enabled", false)))
        .hasMessageContaining("replicas > 1 needs leaderElection.enabled");
  }

  @Test
  void jobServiceAccountsNeedKnownNamespaces() {
    assertThatThrownBy(
            () ->
                Chart.render(
                    Map.of(
                        "jobs.serviceAccount.create", true, "jobs.serviceAccountName", "arca-job")))
        .hasMessageContaining("jobs.serviceAccount.create needs watchNamespaces");
  }
}
