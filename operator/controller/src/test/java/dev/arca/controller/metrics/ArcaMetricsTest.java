package dev.arca.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A deleted policy's gauges stay gone, even when a reconcile that started before ends after. */
class ArcaMetricsTest {
  @Test
  void aLateReconcileOfADeletedPolicyBringsNoGaugesBack() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ArcaMetrics metrics = new ArcaMetrics(registry);
    Instant now = Instant.parse("2026-12-04T00:00:00Z");
    String series = "policy=\"gone\"";

    metrics.policy("llm", "gone", "uid-1", now, now, false, Duration.ofHours(1), false);
    assertThat(registry.scrape()).contains(series);
    metrics.forgetPolicy("llm", "gone", "uid-1");
    assertThat(registry.scrape()).doesNotContain(series);

    metrics.policy("llm", "gone", "uid-1", now, now, false, Duration.ofHours(1), false);
    assertThat(registry.scrape()).doesNotContain(series);
    // nor does a backup Job of the deleted policy that finished late
    metrics.backup("llm", "gone", "uid-1", now, 100, 10);
    assertThat(registry.scrape()).doesNotContain(series);

    // the same name created again is a new policy, with gauges
    metrics.policy("llm", "gone", "uid-2", now, null, true, Duration.ofHours(1), false);
    assertThat(registry.scrape()).contains(series);
    metrics.backup("llm", "gone", "uid-2", now, 100, 10);
    assertThat(registry.scrape())
        .contains("arca_backup_last_stored_bytes{namespace=\"llm\",policy=\"gone\"} 10.0");
  }
}
