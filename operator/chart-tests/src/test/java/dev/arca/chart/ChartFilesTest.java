package dev.arca.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.controller.rbac.ApiPermissions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's copies of what the code defines: its CRDs are the files of crds/, and its RBAC rules
 * are generated from {@link ApiPermissions}. Refresh both with {@code mvn -pl operator/chart-tests
 * verify -Darca.chart.update=true}.
 */
class ChartFilesTest {
  static final boolean UPDATE = Boolean.getBoolean("arca.chart.update");
  static final String HEADER =
      "# Generated from dev.arca.controller.rbac.ApiPermissions: do not edit. Refresh with\n"
          + "# mvn -pl operator/chart-tests verify -Darca.chart.update=true\n";

  @Test
  void rbacRulesAreTheOperatorsApiPermissions() throws IOException {
    Map<String, List<ApiPermissions.Rule>> files =
        Map.of(
            "watched-namespaces.yaml", ApiPermissions.WATCHED_NAMESPACES,
            "secret-check.yaml", List.of(ApiPermissions.SECRET_CHECK),
            "lease.yaml", ApiPermissions.LEASE_NAMESPACE,
            "exec-grants.yaml", ApiPermissions.EXEC_GRANTS);
    for (var e : files.entrySet()) {
      same(
          Chart.DIR.resolve("files/rbac").resolve(e.getKey()),
          HEADER + ApiPermissions.yaml(e.getValue()));
    }
  }

  @Test
  void chartCrdsAreTheFilesOfCrds() throws IOException {
    Path crds = Chart.CHECKOUT.resolve("crds");
    Path chartCrds = Chart.DIR.resolve("crds");
    List<String> names;
    try (Stream<Path> s = Files.list(crds)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    for (String n : names) {
      same(chartCrds.resolve(n), Files.readString(crds.resolve(n)));
    }
    if (UPDATE) {
      try (Stream<Path> s = Files.list(chartCrds)) {
        for (Path p : s.toList()) {
          if (!names.contains(p.getFileName().toString())) {
            Files.delete(p);
          }
        }
      }
    }
    try (Stream<Path> s = Files.list(chartCrds)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .as("helm/arca/crds holds exactly the files of crds/")
          .isEqualTo(names);
    }
  }

  private static void same(Path file, String expected) throws IOException {
    if (UPDATE) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, expected);
    }
    assertThat(Files.exists(file) ? Files.readString(file) : "<missing>")
        .as(
            file
                + " is out of date: run mvn -pl operator/chart-tests verify"
                + " -Darca.chart.update=true and commit the result")
        .isEqualTo(expected);
  }
}
