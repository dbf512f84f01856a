package dev.arca.controller.jobs;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Optional;

/**
 * The Java heap of a Job's engine, from its container's memory limit: 60% of the limit, leaving the
 * rest to the JVM's own memory (classes, compiled code, thread stacks, compression contexts), which
 * comes to about 130 MiB in a backup. A bigger index (a repository of millions of chunks) is then a
 * matter of raising the limit. Without a limit the launcher's default heap (512 MiB) stays.
 */
final class JavaHeap {
  static final String ENV = "ARCA_JAVA_OPTS";
  static final int PERCENT_OF_LIMIT = 60;

  /** Below this the engine's buffers do not fit; a smaller limit gets this heap and may be hit. */
  static final long MIN_HEAP_MIB = 192;

  private JavaHeap() {}

  /** {@code ARCA_JAVA_OPTS=-Xmx<n>m} for a container with a memory limit, empty without one. */
  static Optional<EnvVar> env(ResourceRequirements r) {
    Quantity limit = r == null || r.getLimits() == null ? null : r.getLimits().get("memory");
    if (limit == null) {
      return Optional.empty();
    }
    long bytes = Quantity.getAmountInBytes(limit).longValue();
    long heap = Math.max(MIN_HEAP_MIB, bytes / 100 * PERCENT_OF_LIMIT >> 20);
    return Optional.of(new EnvVarBuilder().withName(ENV).withValue("-Xmx" + heap + "m").build());
  }
}
