package dev.arca.engine.forget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionTest {
  /** One snapshot every 6 hours for 60 days, newest first. */
  private static List<Instant> everySixHours() {
    List<Instant> out = new ArrayList<>();
    Instant t = Instant.parse("2026-11-26T18:00:00Z");
    for (int i = 0; i < 240; i++) {
      out.add(t.minus(Duration.ofHours(6L * i)));
    }
    return out;
  }

  @Test
  void keepDailyKeepsTheNewestSnapshotOfEachOfTheNewestDays() {
    List<Instant> times = everySixHours();
    Map<Integer, List<String>> kept = new Retention(0, 0, 7, 0, 0, 0).apply(times);
    assertThat(kept).hasSize(7);
    assertThat(kept.keySet().stream().map(times::get).map(Instant::toString))
        .containsExactly(
            "2026-11-26T18:00:00Z",
            "2026-11-25T18:00:00Z",
            "2026-11-24T18:00:00Z",
            "2026-11-23T18:00:00Z",
            "2026-11-22T18:00:00Z",
            "2026-11-21T18:00:00Z",
            "2026-11-20T18:00:00Z");
  }

  @Test
  void aSnapshotKeptByAnyRuleStaysAndSaysWhy() {
    List<Instant> times = everySixHours();
    Map<Integer, List<String>> kept = new Retention(2, 0, 2, 2, 3, 1).apply(times);
    assertThat(kept.get(0)).containsExactly("last", "daily", "weekly", "monthly", "yearly");
    assertThat(kept.get(1)).containsExactly("last");
    assertThat(kept.get(4)).containsExactly("daily"); // 2026-11-25T18:00
    // the newest of the previous ISO week (Sunday 2026-11-22) and of October and September
    assertThat(
            times.get(
                kept.keySet().stream().filter(i -> kept.get(i).contains("weekly")).toList().get(1)))
        .isEqualTo(Instant.parse("2026-11-22T18:00:00Z"));
    assertThat(kept.values().stream().filter(r -> r.contains("monthly")).count()).isEqualTo(3);
  }

  @Test
  void keepHourlyCountsHoursThatHaveSnapshots() {
    List<Instant> times = everySixHours();
    assertThat(new Retention(0, 5, 0, 0, 0, 0).apply(times).keySet())
        .containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void negativeCountsAreRefused() {
    assertThatThrownBy(() -> new Retention(-1, 0, 0, 0, 0, 0))
        .hasMessageContaining("must not be negative");
  }
}
