package dev.arca.engine.forget;

import dev.arca.engine.ArcaException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A retention policy with restic's semantics: {@code keepLast} keeps the newest N snapshots; each
 * period rule keeps the newest snapshot of each of the newest N periods (hours, days, ISO weeks,
 * months, years, in UTC) that have one. A snapshot kept by any rule stays. Zero turns a rule off.
 */
public record Retention(
    int keepLast, int keepHourly, int keepDaily, int keepWeekly, int keepMonthly, int keepYearly) {

  public Retention {
    for (int n : new int[] {keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly}) {
      if (n < 0) {
        throw ArcaException.usage("--keep-* counts must not be negative");
      }
    }
  }

  /** Whether any rule keeps something; an empty policy would remove everything. */
  public boolean isEmpty() {
    return keepLast + keepHourly + keepDaily + keepWeekly + keepMonthly + keepYearly == 0;
  }

  /**
   * Applies the policy to snapshot times, newest first; returns for each kept index the rules that
   * keep it (e.g. {@code [last, daily]}).
   */
  public Map<Integer, List<String>> apply(List<Instant> newestFirst) {
    Map<Integer, List<String>> kept = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(keepLast, newestFirst.size()); i++) {
      kept.computeIfAbsent(i, k -> new ArrayList<>()).add("last");
    }
    rule(kept, newestFirst, "hourly", keepHourly, t -> t.toLocalDate() + "T" + t.getHour());
    rule(kept, newestFirst, "daily", keepDaily, t -> t.toLocalDate().toString());
    rule(
        kept,
        newestFirst,
        "weekly",
        keepWeekly,
        t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    rule(kept, newestFirst, "monthly", keepMonthly, t -> t.getYear() + "-" + t.getMonthValue());
    rule(kept, newestFirst, "yearly", keepYearly, t -> String.valueOf(t.getYear()));
    return kept;
  }

  private static void rule(
      Map<Integer, List<String>> kept,
      List<Instant> times,
      String name,
      int count,
      Function<ZonedDateTime, String> bucket) {
    String last = null;
    int left = count;
    for (int i = 0; i < times.size() && left > 0; i++) {
      String b = bucket.apply(times.get(i).atZone(ZoneOffset.UTC));
      if (!b.equals(last)) {
        kept.computeIfAbsent(i, k -> new ArrayList<>()).add(name);
        last = b;
        left--;
      }
    }
  }
}
