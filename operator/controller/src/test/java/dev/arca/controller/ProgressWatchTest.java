package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.api.v1alpha1.JobOverrides;
import dev.arca.api.v1alpha1.Progress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressWatchTest {
  private static final Instant T0 = Instant.parse("2026-12-06T01:00:00Z");

  private static Progress read(Long bytes, Long files) {
    Progress p = new Progress();
    p.bytesDone = bytes;
    p.filesDone = files;
    return p;
  }

  @Test
  void progressThatGrowsMovesAdvancedAtAndProgressThatStandsKeepsIt() {
    Progress first = ProgressWatch.advance(null, read(10L, 1L), T0);
    assertThat(first.advancedAt).isEqualTo(T0.toString());
    Progress same = ProgressWatch.advance(first, read(10L, 1L), T0.plusSeconds(60));
    assertThat(same.advancedAt).isEqualTo(T0.toString());
    Progress moreFiles = ProgressWatch.advance(same, read(10L, 2L), T0.plusSeconds(90));
    assertThat(moreFiles.advancedAt).isEqualTo(T0.plusSeconds(90).toString());
  }

  @Test
  void aRunIsStalledOnlyOnceItsTimeoutHasPassedWithoutProgress() {
    Progress p = ProgressWatch.advance(null, read(4096L, 7L), T0);
    Duration timeout = Duration.ofSeconds(120);
    assertThat(ProgressWatch.stalled(p, T0, T0.plusSeconds(119), timeout)).isNull();
    assertThat(ProgressWatch.stalled(p, T0, T0.plusSeconds(120), timeout))
        .contains("no progress for 120 s", "4096 bytes", "7 files");
    assertThat(ProgressWatch.stalled(null, null, T0.plusSeconds(9999), timeout)).isNull();
  }

  @Test
  void beforeItsFirstReportTheClockRunsFromWhenTheContainerStarted() {
    Duration timeout = Duration.ofSeconds(120);
    assertThat(ProgressWatch.stalled(null, T0, T0.plusSeconds(119), timeout)).isNull();
    assertThat(ProgressWatch.stalled(null, T0, T0.plusSeconds(121), timeout))
        .contains(
            "no progress for 121 s (since its container started, before its first progress report",
            "stallTimeoutSeconds is 120");
    Progress reported = ProgressWatch.advance(null, read(1L, 0L), T0.plusSeconds(100));
    assertThat(ProgressWatch.stalled(reported, T0, T0.plusSeconds(121), timeout)).isNull();
  }

  @Test
  void theTimeoutComesFromTheSpecOrDefaultsToHalfAnHour() {
    assertThat(ProgressWatch.timeout(null)).isEqualTo(Duration.ofMinutes(30));
    JobOverrides o = new JobOverrides();
    o.stallTimeoutSeconds = 300L;
    assertThat(ProgressWatch.timeout(o)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aGarbledAdvancedAtRestartsTheWatchInsteadOfFailingTheReconcile() {
    Progress garbled = read(10L, 1L);
    garbled.advancedAt = "not a time";
    assertThat(ProgressWatch.stalled(garbled, T0, T0.plusSeconds(9), Duration.ofSeconds(1)))
        .isNull();
    Progress next = ProgressWatch.advance(garbled, read(10L, 1L), T0);
    assertThat(next.advancedAt).isEqualTo(T0.toString());
  }
}
