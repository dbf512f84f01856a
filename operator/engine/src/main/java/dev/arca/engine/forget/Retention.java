package dev.arca.engine.forget;

import dev.arca.engine.ArcaException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A retention policy with restic's semantics: {@code keepLast} keeps the newest N snapshots; each
 * period rule keeps the newest snapshot of each of the newest N periods (hours, days, ISO weeks,
 * months, years, in UTC) that have one. Two rules count training checkpoints by the steps the
 * snapshots record (FORMAT.md "Checkpoints"): {@code keepCheckpoints} keeps, for each of the N
 * highest steps, the newest snapshot holding a checkpoint of that step, and {@code
 * keepCheckpointEvery} does so for every step that is a multiple of K; a snapshot that records no
 * checkpoints (or none with a step) is kept by neither. A snapshot kept by any rule stays. Zero
 * turns a rule off.
 */
public record Retention(
    int keepLast,
    int keepHourly,
    int keepDaily,
    int keepWeekly,
    int keepMonthly,
    int keepYearly,
    int keepCheckpoints,
    int keepCheckpointEvery) {

  public Retention {
    for (int n :
        new int[] {
          keepLast,
          keepHourly,
          keepDaily,
          keepWeekly,
          keepMonthly,
          keepYearly,
          keepCheckpoints,
          keepCheckpointEvery
        }) {
      if (n < 0) {
        throw ArcaException.usage("--keep-* counts must not be negative");
      }
    }
  }

  /** A policy of the time-based rules alone. */
  public Retention(
      int keepLast,
      int keepHourly,
      int keepDaily,
      int keepWeekly,
      int keepMonthly,
      int keepYearly) {
    this(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, 0, 0);
  }

  /** Whether any rule keeps something; an empty policy would remove everything. */
  public boolean isEmpty() {
    return keepLast
            + keepHourly
            + keepDaily
            + keepWeekly
            + keepMonthly
            + keepYearly
            + keepCheckpoints
            + keepCheckpointEvery
        == 0;
  }

  /**
   * Applies the time-based rules to snapshot times, newest first; returns for each kept index the
   * rules that keep it (e.g. {@code [last, daily]}).
   */
  public Map<Integer, List<String>> apply(List<Instant> newestFirst) {
    return apply(newestFirst, List.of());
  }

  /**
   * Applies the policy to snapshots newest first: their times, and the checkpoint steps each
   * records ({@code steps.get(i)}; a missing, null or empty entry: none). Returns for each kept
   * index the rules that keep it: {@code last}, {@code hourly}, ..., {@code yearly}, then {@code
   * checkpoint S} for each step S that {@code keepCheckpoints} keeps it for and {@code checkpoint S
   * (every K)} for each that {@code keepCheckpointEvery} does.
   */
  public Map<Integer, List<String>> apply(
      List<Instant> newestFirst, List<? extends Collection<Long>> steps) {
    Map<Integer, List<String>> kept = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(keepLast, newestFirst.size()); i++) {
      keep(kept, i, "last");
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
    Map<Long, Integer> newestHolder = newestHolders(steps);
    newestHolder.keySet().stream()
        .limit(keepCheckpoints)
        .forEach(s -> keep(kept, newestHolder.get(s), "checkpoint " + s));
    if (keepCheckpointEvery > 0) {
      newestHolder.forEach(
          (s, i) -> {
            if (s % keepCheckpointEvery == 0) {
              keep(kept, i, "checkpoint " + s + " (every " + keepCheckpointEvery + ")");
            }
          });
    }
    return kept;
  }

  /**
   * Every step the snapshots record, highest first, with the index of the newest snapshot holding
   * it (the lowest index: they come newest first).
   */
  private static Map<Long, Integer> newestHolders(List<? extends Collection<Long>> steps) {
    Map<Long, Integer> holder = new TreeMap<>(Comparator.reverseOrder());
    for (int i = 0; i < steps.size(); i++) {
      Collection<Long> held = steps.get(i);
      if (held != null) {
        for (Long s : held) {
          if (s != null) {
            holder.putIfAbsent(s, i);
          }
        }
      }
    }
    return holder;
  }

  /**
   * The latest time the time-based rules among {@code reasons} (as {@link #apply} gives them) can
   * keep a snapshot taken at {@code time}: N hours, days, weeks, months (31 days) or years (366
   * days) after it for a rule keeping N; null when only count rules ({@code last}, checkpoints)
   * keep it, which set no time.
   */
  public Instant horizon(Instant time, List<String> reasons) {
    Instant latest = null;
    for (String r : reasons) {
      java.time.Duration d =
          switch (r) {
            case "hourly" -> java.time.Duration.ofHours(keepHourly);
            case "daily" -> java.time.Duration.ofDays(keepDaily);
            case "weekly" -> java.time.Duration.ofDays(7L * keepWeekly);
            case "monthly" -> java.time.Duration.ofDays(31L * keepMonthly);
            case "yearly" -> java.time.Duration.ofDays(366L * keepYearly);
            default -> null;
          };
      if (d != null && (latest == null || time.plus(d).isAfter(latest))) {
        latest = time.plus(d);
      }
    }
    return latest;
  }

  private static void keep(Map<Integer, List<String>> kept, int index, String reason) {
    kept.computeIfAbsent(index, k -> new ArrayList<>()).add(reason);
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
        keep(kept, i, name);
        last = b;
        left--;
      }
    }
  }
}
