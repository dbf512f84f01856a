package dev.arca.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.controller.OperatorConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's heap follows the Job container's memory limit. */
class JavaHeapTest {
  @Test
  void defaultJobsGetSixtyPercentOfTheirLimit() {
    var resources = OperatorConfig.fromEnv(Map.of()).jobResources();
    assertThat(resources.getLimits().get("memory")).isEqualTo(new Quantity("1Gi"));
    assertThat(JavaHeap.env(resources)).map(EnvVar::getValue).contains("-Xmx614m");
  }

  @Test
  void aLargerLimitRaisesTheHeapAndATinyOneGetsTheFloor() {
    assertThat(JavaHeap.env(limit("8Gi"))).map(EnvVar::getValue).contains("-Xmx4915m");
    assertThat(JavaHeap.env(limit("256Mi"))).map(EnvVar::getValue).contains("-Xmx192m");
  }

  @Test
  void withoutALimitTheLauncherDefaultStays() {
    var requestOnly = new ResourceRequirementsBuilder().addToRequests("memory", q("1Gi")).build();
    assertThat(JavaHeap.env(requestOnly)).isEmpty();
    assertThat(JavaHeap.env(null)).isEmpty();
  }

  private static io.fabric8.kubernetes.api.model.ResourceRequirements limit(String memory) {
    return new ResourceRequirementsBuilder().addToLimits("memory", q(memory)).build();
  }

  private static Quantity q(String s) {
    return new Quantity(s);
  }
}
