package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * {@code arca hooks} without a cluster: what it refuses, and a hook whose selector found no pod
 * (the operator passes none), which fails the run and, in the before phase, stops the hooks after
 * it while the after phase runs every one. Hooks that exec run on a real node (RealNodeHooksTest).
 */
class HooksCommandTest {
  private static final String NO_POD =
      "{\"name\":\"pause\",\"pods\":[],\"selector\":\"{app=trainer}\",\"command\":[\"true\"],"
          + "\"timeoutSeconds\":5,\"failsRun\":true}";
  private static final String NEXT =
      "{\"name\":\"flush\",\"pods\":[],\"selector\":\"{app=db}\",\"command\":[\"true\"],"
          + "\"timeoutSeconds\":5,\"failsRun\":false}";

  @Test
  void aBeforeHookWithNoPodFailsTheRunAndStopsTheBeforeHooks() throws Exception {
    Cli.Result r =
        Cli.run(
            "hooks", "--json", "-n", "llm", "--phase", "before", "--hook", NO_POD, "--hook", NEXT);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    JsonNode report = Cli.JSON.readTree(r.stdout());
    assertThat(report.path("failed").asBoolean()).isTrue();
    assertThat(report.path("hooks")).hasSize(1);
    assertThat(report.path("hooks").get(0).path("error").asText())
        .isEqualTo("no running and ready pod has the labels {app=trainer}");
    assertThat(report.path("hooks").get(0).path("exitCode").isNull()).isTrue();
  }

  @Test
  void theAfterPhaseRunsEveryHookWhateverFailed() throws Exception {
    Cli.Result r =
        Cli.run(
            "hooks", "--json", "-n", "llm", "--phase", "after", "--hook", NO_POD, "--hook", NEXT);
    JsonNode report = Cli.JSON.readTree(r.stdout());
    assertThat(report.path("failed").asBoolean()).isTrue();
    assertThat(report.path("hooks")).hasSize(2);
    assertThat(report.path("hooks").get(1).path("name").asText()).isEqualTo("flush");
    assertThat(report.path("hooks").get(1).path("failsRun").asBoolean()).isFalse();
  }

  @Test
  void aWrongPhaseOrHookIsAUsageError() {
    Cli.Result phase = Cli.run("hooks", "--phase", "during", "--hook", NO_POD);
    assertThat(phase.exitCode()).isEqualTo(2);
    assertThat(phase.stderr()).contains("--phase is before or after, not during");
    Cli.Result hook = Cli.run("hooks", "--phase", "before", "--hook", "{not json");
    assertThat(hook.exitCode()).isEqualTo(2);
    assertThat(hook.stderr()).contains("--hook is not a hook's JSON");
  }
}
