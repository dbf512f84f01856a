package dev.arca.controller.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A cron schedule in a time zone. */
public final class Schedule {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime times;

  private Schedule(String expression, ZoneId zone, Cron cron) {
    this.expression = expression;
    this.zone = zone;
    this.times = ExecutionTime.forCron(cron);
  }

  /**
   * Parses {@code expression} (five cron fields, or @hourly, @daily, @weekly, @monthly, @yearly) in
   * {@code timeZone} (an IANA name; null or empty means UTC).
   *
   * @throws InvalidScheduleException naming the field at fault and what is accepted
   */
  public static Schedule parse(String expression, String timeZone) {
    ZoneId zone;
    try {
      zone = timeZone == null || timeZone.isBlank() ? ZoneOffset.UTC : ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      throw new InvalidScheduleException(
          "timeZone",
          "'" + timeZone + "' is not a time zone; use an IANA name such as Europe/Berlin or UTC");
    }
    if (expression == null || expression.isBlank()) {
      throw new InvalidScheduleException(
          "schedule", "is empty; use for example \"30 2 * * *\" or @daily");
    }
    String e = expression.trim();
    String cron = MACROS.getOrDefault(e.toLowerCase(Locale.ROOT), e);
    try {
      return new Schedule(e, zone, PARSER.parse(cron).validate());
    } catch (IllegalArgumentException ex) {
      throw new InvalidScheduleException(
          "schedule",
          "'"
              + e
              + "' is not a cron expression ("
              + ex.getMessage()
              + "); use five fields (minute hour day-of-month month day-of-week) or @daily");
    }
  }

  /** How far ahead {@link #checkFires} looks: a leap day comes at least once in it. */
  static final int YEARS_AHEAD = 5;

  /**
   * The first scheduled time strictly after {@code after}; empty for a schedule that never comes
   * (the 31st of February), which {@link #checkFires} refuses first.
   */
  public Optional<Instant> next(Instant after) {
    return times.nextExecution(after.atZone(zone)).map(ZonedDateTime::toInstant);
  }

  /**
   * This schedule, if it has a time in the {@value #YEARS_AHEAD} years after {@code now}.
   *
   * @throws InvalidScheduleException (field {@code schedule}) if it has none
   */
  public Schedule checkFires(Instant now) {
    Optional<Instant> next = next(now);
    if (next.isEmpty() || next.get().isAfter(now.atZone(zone).plusYears(YEARS_AHEAD).toInstant())) {
      throw new InvalidScheduleException(
          "schedule",
          "'"
              + expression
              + "' never comes: no time in the next "
              + YEARS_AHEAD
              + " years matches it (check the day of the month and the month)");
    }
    return this;
  }

  /**
   * The newest scheduled time in {@code (since, now]}: the run that is due now, if any. Older
   * missed times in that window are not returned: a run that is late runs once.
   */
  public Optional<Instant> due(Instant since, Instant now) {
    Optional<ZonedDateTime> last = times.lastExecution(now.atZone(zone).plusNanos(1));
    return last.map(ZonedDateTime::toInstant).filter(t -> t.isAfter(since) && !t.isAfter(now));
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }
}
