package dev.arca.chart;

import dev.arca.controller.metrics.ArcaMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series the operator exports, as Prometheus scrapes them: every recording method of {@link
 * ArcaMetrics} is called once and the registry's scrape is read, so the chart's alerts and
 * dashboard are checked against the operator's own metric registration, not against a list.
 */
final class ExportedMetrics {
  private static final Pattern SERIES = Pattern.compile("(?m)^(arca_[a-z_]+)(?:\\{([^}]*)\\})? ");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private ExportedMetrics() {}

  /** Each exported series name (arca_..., with _total, _sum, _count, _max) to its label names. */
  static Map<String, Set<String>> labelsByName() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ArcaMetrics m = new ArcaMetrics(registry);
    m.policy(
        "llm", "models", "uid-1", Instant.now(), Instant.now(), true, Duration.ofHours(1), true);
    m.backup("llm", "models", "uid-1", Instant.now(), 1, 1);
    m.run("llm", "models", "backup", true, Duration.ofSeconds(3));
    m.run("llm", "models", "backup", false, Duration.ofSeconds(3));
    Map<String, Set<String>> out = new TreeMap<>();
    Matcher s = SERIES.matcher(registry.scrape());
    while (s.find()) {
      Set<String> labels = out.computeIfAbsent(s.group(1), k -> new TreeSet<>());
      Matcher l = LABEL.matcher(s.group(2) == null ? "" : s.group(2));
      while (l.find()) {
        labels.add(l.group(1));
      }
    }
    return out;
  }
}
