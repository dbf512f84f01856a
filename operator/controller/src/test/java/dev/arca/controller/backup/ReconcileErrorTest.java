package dev.arca.controller.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.controller.Conditions;
import dev.arca.controller.MockCluster;
import dev.arca.controller.OperatorConfig;
import dev.arca.controller.Reasons;
import dev.arca.controller.metrics.ArcaMetrics;
import dev.arca.samples.ManualClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reconcile that fails unexpectedly shows on the policy as {@code Reconciled=False} with the
 * error, is retried, and the condition goes once a reconcile gets through.
 */
@EnableKubernetesMockClient(crud = true)
class ReconcileErrorTest {
  static final String NS = "llm";
  KubernetesClient client;
  Operator operator;

  /** A registry that refuses new gauges while {@link #broken}: an unexpected failure midway. */
  static final class BreakableRegistry extends SimpleMeterRegistry {
    final AtomicBoolean broken = new AtomicBoolean(true);

    @Override
    protected <T> Gauge newGauge(Meter.Id id, T obj, ToDoubleFunction<T> f) {
      if (broken.get()) {
        throw new IllegalStateException("the metrics registry is broken for this test");
      }
      return super.newGauge(id, obj, f);
    }
  }

  @AfterEach
  void tearDown() {
    operator.stop();
  }

  @Test
  void anUnexpectedFailureIsShownAndClearedOnceAReconcileGetsThrough() throws Exception {
    MockCluster.installCrds(client);
    MockCluster.pvcAndSecret(client, NS, "models", "pw");
    BreakableRegistry registry = new BreakableRegistry();
    operator =
        MockCluster.start(
            client,
            new BackupPolicyReconciler(
                OperatorConfig.fromEnv(Map.of("ARCA_ENGINE_IMAGE", "arca:test")),
                new ManualClock(Instant.now().plus(Duration.ofMinutes(2))),
                new ArcaMetrics(registry)));
    client
        .resources(BackupPolicy.class)
        .inNamespace(NS)
        .resource(BackupPolicyReconcilerTest.policy("broken", "0 0 1 1 *"))
        .create();

    Condition failed = MockCluster.await("Reconciled=False", () -> reconciled("broken"));
    assertThat(failed.getStatus()).isEqualTo("False");
    assertThat(failed.getReason()).isEqualTo(Reasons.RECONCILE_ERROR);
    assertThat(failed.getMessage())
        .contains("could not reconcile")
        .contains("the metrics registry is broken for this test");

    registry.broken.set(false); // JOSDK's retry gets through now
    MockCluster.await("the condition to go", () -> reconciled("broken") == null ? true : null);
    assertThat(
            Conditions.isTrue(
                client
                    .resources(BackupPolicy.class)
                    .inNamespace(NS)
                    .withName("broken")
                    .get()
                    .getStatus()
                    .conditions,
                Conditions.READY))
        .isTrue();
  }

  private Condition reconciled(String name) {
    BackupPolicy p = client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get();
    if (p == null || p.getStatus() == null) {
      return null;
    }
    return p.getStatus().conditions.stream()
        .filter(c -> Conditions.RECONCILED.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
