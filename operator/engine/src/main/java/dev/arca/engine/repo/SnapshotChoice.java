package dev.arca.engine.repo;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one rule for "which snapshot": the CLI applies it to a repository's snapshots, the operator
 * to a policy's Snapshot catalog, so that an id, an id prefix (any case), {@code latest} and {@code
 * before} mean the same in both. It decides; each caller words the outcome for its users.
 *
 * <ul>
 *   <li>{@code before}: the newest selected snapshot at or before that time (ties: the greatest
 *       id).
 *   <li>{@code latest} (or none): the newest selected snapshot.
 *   <li>an id or id prefix: the one snapshot, selected or not, whose id starts with it (lower
 *       case); several is ambiguous; one that is not selected is refused, not replaced.
 * </ul>
 */
public final class SnapshotChoice {
  private SnapshotChoice() {}

  /** What the rule decided. */
  public sealed interface Outcome<T>
      permits Chosen, NoneAtOrBefore, NoneYet, Ambiguous, NoSuchId, NotSelected {}

  /** This one. */
  public record Chosen<T>(T value) implements Outcome<T> {}

  /** No selected snapshot is at or before the time. */
  public record NoneAtOrBefore<T>() implements Outcome<T> {}

  /** No snapshot is selected at all. */
  public record NoneYet<T>() implements Outcome<T> {}

  /** The prefix matches {@code matches} snapshots. */
  public record Ambiguous<T>(int matches) implements Outcome<T> {}

  /** No snapshot has an id starting with the prefix. */
  public record NoSuchId<T>() implements Outcome<T> {}

  /** The one snapshot with that id is not among the selected ones. */
  public record NotSelected<T>(T value) implements Outcome<T> {}

  /** Whether {@code spec} asks for the newest snapshot ({@code latest}, or nothing). */
  public static boolean isLatest(String spec) {
    return spec == null || spec.equals("latest");
  }

  /**
   * Whether the snapshot id {@code id} is named by {@code spec}, an id or id prefix in any case.
   */
  public static boolean idMatches(String id, String spec) {
    return id != null
        && spec != null
        && !spec.isEmpty()
        && id.startsWith(spec.toLowerCase(Locale.ROOT));
  }

  /**
   * Applies the rule to {@code all} (any order), whose ids and times {@code id} and {@code time}
   * give; {@code selected} says which snapshots {@code latest} and {@code before} choose among and
   * an id may name.
   */
  public static <T> Outcome<T> choose(
      List<T> all,
      Function<T, String> id,
      Function<T, Instant> time,
      Predicate<T> selected,
      String spec,
      Instant before) {
    Comparator<T> newest = Comparator.comparing(time).thenComparing(id);
    if (before != null || isLatest(spec)) {
      return all.stream()
          .filter(selected)
          .filter(x -> before == null || !time.apply(x).isAfter(before))
          .max(newest)
          .<Outcome<T>>map(Chosen::new)
          .orElseGet(() -> before != null ? new NoneAtOrBefore<>() : new NoneYet<>());
    }
    List<T> matches = all.stream().filter(x -> idMatches(id.apply(x), spec)).toList();
    if (matches.size() > 1) {
      return new Ambiguous<>(matches.size());
    }
    if (matches.isEmpty()) {
      return new NoSuchId<>();
    }
    T one = matches.get(0);
    return selected.test(one) ? new Chosen<>(one) : new NotSelected<>(one);
  }
}
