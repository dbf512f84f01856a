package dev.arca.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's Grafana dashboard: rendered with helm, parsed, and every PromQL expression in it
 * checked against the series and labels the operator exports ({@link ExportedMetrics}), so the
 * dashboard cannot drift from the code.
 */
class GrafanaDashboardTest {
  private static final Pattern METRIC = Pattern.compile("arca_[a-z_]+");
  private static final Pattern SELECTOR = Pattern.compile("(arca_[a-z_]+)\\{([^}]*)\\}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|on|ignoring|without)\\s*\\(([^)]*)\\)");

  @Test
  void offByDefault() {
    assertThat(Chart.render(Map.of()).kind("ConfigMap")).isEmpty();
  }

  @Test
  void aConfigMapLabelledForTheGrafanaSidecar() {
    JsonNode cm = Chart.render(Map.of("metrics.grafanaDashboard.enabled", "true")).one("ConfigMap");
    assertThat(cm.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    assertThat(cm.at("/metadata/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    JsonNode all = Chart.renderAllOptions().one("ConfigMap");
    assertThat(all.at("/metadata/labels").path("grafana.example.com/dashboard").asText())
        .isEqualTo("arca");
    assertThat(all.at("/metadata/namespace").asText()).isEqualTo("monitoring");
    assertThat(all.at("/metadata/annotations/grafana_folder").asText()).isEqualTo("Backups");
  }

  @Test
  void everyQueryReadsOnlySeriesAndLabelsTheOperatorExports() throws Exception {
    JsonNode dash = dashboard();
    Map<String, Set<String>> exported = ExportedMetrics.labelsByName();
    List<String> queries = queries(dash);
    assertThat(queries).hasSizeGreaterThan(8);
    Set<String> used = new TreeSet<>();
    for (String q : queries) {
      Set<String> labels = new TreeSet<>();
      Matcher m = METRIC.matcher(q);
      while (m.find()) {
        assertThat(exported).as("a series in %s", q).containsKey(m.group());
        used.add(m.group());
        labels.addAll(exported.get(m.group()));
      }
      Matcher sel = SELECTOR.matcher(q);
      while (sel.find()) {
        Matcher l = MATCHER.matcher(sel.group(2));
        while (l.find()) {
          assertThat(exported.get(sel.group(1)))
              .as("%s has the label of %s", sel.group(1), sel.group())
              .contains(l.group(1));
        }
      }
      Matcher g = GROUPING.matcher(q);
      while (g.find()) {
        for (String l : g.group(1).split(",")) {
          assertThat(labels).as("grouping label in %s", q).contains(l.strip());
        }
      }
    }
    // a panel for each per-policy gauge and for the run metrics
    assertThat(used)
        .contains(
            "arca_backup_last_success_timestamp_seconds",
            "arca_backup_policy_created_timestamp_seconds",
            "arca_backup_interval_seconds",
            "arca_backup_last_failed",
            "arca_verify_damage_found",
            "arca_backup_last_bytes",
            "arca_backup_last_stored_bytes",
            "arca_run_duration_seconds_sum",
            "arca_runs_total");
  }

  @Test
  void panelsFitTheGridAndHaveUniqueIdsAndTheVariablesTheyUse() throws Exception {
    JsonNode dash = dashboard();
    Set<Integer> ids = new TreeSet<>();
    Set<String> variables = new TreeSet<>();
    dash.at("/templating/list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).contains("datasource", "namespace", "policy", "window");
    for (JsonNode p : dash.path("panels")) {
      assertThat(ids.add(p.path("id").asInt())).as("unique id of %s", p.path("title")).isTrue();
      JsonNode grid = p.path("gridPos");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isLessThanOrEqualTo(24);
      assertThat(p.path("description").asText()).isNotBlank();
      Matcher v = Pattern.compile("\\$([a-z_]+)").matcher(p.toString());
      while (v.find()) {
        if (!v.group(1).startsWith("_")) {
          assertThat(variables).as("variable in %s", p.path("title")).contains(v.group(1));
        }
      }
    }
  }

  /** The dashboard JSON as the chart ships it in its ConfigMap. */
  private static JsonNode dashboard() throws Exception {
    JsonNode cm = Chart.render(Map.of("metrics.grafanaDashboard.enabled", "true")).one("ConfigMap");
    return new ObjectMapper().readTree(cm.at("/data/arca.json").asText());
  }

  /** Every PromQL expression: the panels' targets and the variables' queries. */
  private static List<String> queries(JsonNode dash) {
    List<String> out = new ArrayList<>();
    dash.path("panels")
        .forEach(p -> p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
    dash.at("/templating/list")
        .forEach(
            v -> {
              if ("query".equals(v.path("type").asText())) {
                out.add(v.at("/query/query").asText());
              }
            });
    return out;
  }
}
