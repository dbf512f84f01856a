package dev.arca.controller.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void nextRunIsComputedInTheGivenTimeZone() {
    Schedule s = Schedule.parse("30 2 * * *", "Europe/Berlin");
    // 02:30 in Berlin in winter is 01:30 UTC
    assertThat(s.next(Instant.parse("2026-11-26T12:00:00Z")))
        .contains(Instant.parse("2026-11-27T01:30:00Z"));
    // and in summer 00:30 UTC
    assertThat(s.next(Instant.parse("2026-07-01T12:00:00Z")))
        .contains(Instant.parse("2026-07-02T00:30:00Z"));
  }

  @Test
  void macrosAreAccepted() {
    assertThat(Schedule.parse("@daily", null).next(Instant.parse("2026-11-26T12:00:00Z")))
        .contains(Instant.parse("2026-11-27T00:00:00Z"));
    assertThat(Schedule.parse("@hourly", "UTC").next(Instant.parse("2026-11-26T12:00:00Z")))
        .contains(Instant.parse("2026-11-26T13:00:00Z"));
    assertThat(Schedule.parse("@weekly", "").next(Instant.parse("2026-11-26T12:00:00Z")))
        .contains(Instant.parse("2026-11-29T00:00:00Z")); // Sunday
  }

  @Test
  void aLateRunIsDueOnceAndOnlyForItsNewestTime() {
    Schedule s = Schedule.parse("0 * * * *", null);
    Instant lastRun = Instant.parse("2026-11-26T08:00:00Z");
    // the operator was down from 08:30 to 11:10: the 11:00 run is due, not 09:00 and 10:00 too
    assertThat(s.due(lastRun, Instant.parse("2026-11-26T11:10:00Z")))
        .contains(Instant.parse("2026-11-26T11:00:00Z"));
    // nothing new is due right after that run
    assertThat(s.due(Instant.parse("2026-11-26T11:00:00Z"), Instant.parse("2026-11-26T11:59:59Z")))
        .isEmpty();
    // exactly at the scheduled time it is due
    assertThat(s.due(lastRun, Instant.parse("2026-11-26T09:00:00Z")))
        .contains(Instant.parse("2026-11-26T09:00:00Z"));
  }

  @Test
  void badInputNamesTheFieldAndWhatIsAccepted() {
    assertThatThrownBy(() -> Schedule.parse("every day", null))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo("schedule"))
        .hasMessageContaining("'every day' is not a cron expression")
        .hasMessageContaining("five fields");
    assertThatThrownBy(() -> Schedule.parse("61 * * * *", null))
        .hasMessageStartingWith("schedule '61 * * * *'");
    assertThatThrownBy(() -> Schedule.parse("@daily", "Mars/Olympus"))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo("timeZone"))
        .hasMessageContaining("Mars/Olympus");
    assertThatThrownBy(() -> Schedule.parse(" ", null)).hasMessageContaining("is empty");
  }

  @Test
  void aScheduleThatNeverComesIsRefusedAndALeapDayIsNot() {
    Instant now = Instant.parse("2026-12-05T12:00:00Z");
    Schedule never = Schedule.parse("0 2 31 2 *", null);
    assertThat(never.next(now)).isEmpty();
    assertThatThrownBy(() -> never.checkFires(now))
        .isInstanceOfSatisfying(
            InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo("schedule"))
        .hasMessageContaining("'0 2 31 2 *' never comes");
    assertThatThrownBy(() -> Schedule.parse("0 0 31 4 *", "Europe/Berlin").checkFires(now))
        .hasMessageContaining("never comes");
    Schedule leapDay = Schedule.parse("0 3 29 2 *", null);
    assertThat(leapDay.checkFires(now).next(now)).contains(Instant.parse("2028-02-29T03:00:00Z"));
  }
}
