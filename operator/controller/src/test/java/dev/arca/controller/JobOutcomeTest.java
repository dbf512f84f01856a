package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.Received;
import org.junit.jupiter.api.Test;

/** What a failed run says when the CLI's report names the paths that failed. */
class JobOutcomeTest {
  @Test
  void aRestoreThatCouldNotWriteSomeEntriesNamesThem() {
    Received r =
        Received.parse(
            "{\"schema\":1,\"snapshotId\":\"9e676ca684ac\",\"files\":3,\"written\":3,"
                + "\"unchanged\":0,\"kept\":0,\"keptPaths\":[],\"bytes\":55,\"dirs\":2,"
                + "\"symlinks\":0,\"failures\":[\"secret: cannot set its owner (EPERM)\"],"
                + "\"damaged\":false,\"durationMs\":10}");
    assertThat(JobOutcome.namedFailures(r))
        .isEqualTo("1 entr(ies) could not be restored: secret: cannot set its owner (EPERM)");
  }

  @Test
  void aReportWithoutFailuresOrAnErrorNamesNothing() {
    assertThat(JobOutcome.namedFailures(null)).isNull();
    assertThat(
            JobOutcome.namedFailures(
                Received.parse("{\"schema\":1,\"snapshotId\":\"ab\",\"failures\":[]}")))
        .isNull();
    assertThat(JobOutcome.namedFailures(Received.parse("{\"error\":\"boom\",\"exitCode\":1}")))
        .isNull();
  }
}
