package dev.arca.engine.forget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
  void checkpointRulesKeepTheNewestSnapshotOfEachChosenStepAndSayWhichStep() {
    List<Instant> times = everySixHours().subList(0, 6);
    List<List<Long>> steps =
        Arrays.asList(
            List.of(), // a backup without --checkpoints
            List.of(250L),
            List.of(200L, 250L),
            Arrays.asList(150L, 200L, null), // null: a folder without digits in its name
            List.of(100L),
            null);

    Map<Integer, List<String>> kept = new Retention(0, 0, 0, 0, 0, 0, 2, 100).apply(times, steps);

    assertThat(kept)
        .containsExactly(
            Map.entry(1, List.of("checkpoint 250")),
            Map.entry(2, List.of("checkpoint 200", "checkpoint 200 (every 100)")),
            Map.entry(4, List.of("checkpoint 100 (every 100)")));
  }

  @Test
  void checkpointRulesAddToTheTimeRulesAndKeepNothingWithoutSteps() {
    List<Instant> times = everySixHours().subList(0, 3);
    Retention policy = new Retention(1, 0, 0, 0, 0, 0, 5, 1);
    assertThat(policy.isEmpty()).isFalse();
    assertThat(policy.apply(times, List.of(List.of(), List.of(), List.of())))
        .containsExactly(Map.entry(0, List.of("last")));
    assertThat(policy.apply(times, List.of(List.of(), List.of(), List.of(7L))))
        .containsExactly(
            Map.entry(0, List.of("last")),
            Map.entry(2, List.of("checkpoint 7", "checkpoint 7 (every 1)")));
  }

  @Test
  void negativeCountsAreRefused() {
    assertThatThrownBy(() -> new Retention(-1, 0, 0, 0, 0, 0))
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> new Retention(0, 0, 0, 0, 0, 0, 0, -100))
        .hasMessageContaining("must not be negative");
  }

  @Test
  void theHorizonIsTheLongestTimeRuleThatKeepsASnapshot() {
    Retention r = new Retention(5, 24, 7, 4, 12, 2);
    Instant t = Instant.parse("2026-01-10T00:00:00Z");
    assertThat(r.horizon(t, List.of("daily"))).isEqualTo(t.plus(java.time.Duration.ofDays(7)));
    assertThat(r.horizon(t, List.of("hourly", "monthly", "weekly")))
        .isEqualTo(t.plus(java.time.Duration.ofDays(12 * 31)));
    assertThat(r.horizon(t, List.of("yearly"))).isEqualTo(t.plus(java.time.Duration.ofDays(732)));
    assertThat(r.horizon(t, List.of("last", "checkpoint 100"))).isNull(); // counts set no time
  }
}
