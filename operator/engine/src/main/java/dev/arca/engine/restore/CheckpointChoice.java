package dev.arca.engine.restore;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.Checkpoint;
import dev.arca.engine.repo.Snapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which checkpoint {@code restore --checkpoint} restores, and what it falls back to: the rule over
 * the checkpoints that snapshots record (FORMAT.md "Checkpoints"), best candidate first.
 *
 * <ul>
 *   <li>{@code latest}: one candidate per checkpoint (path and step) that any of the snapshots
 *       records with a step, from the newest snapshot that holds it; highest step first. A
 *       checkpoint without a step is never a candidate.
 *   <li>a step: every snapshot holding a checkpoint of that step, newest first.
 * </ul>
 *
 * Ties (two folders of one step, say of two runs) go to the newer snapshot, then the path.
 */
final class CheckpointChoice {
  /** How many steps a message lists at most. */
  static final int STEPS_SHOWN = 20;

  private CheckpointChoice() {}

  /** A checkpoint that a snapshot holds: one candidate for the restore. */
  record Candidate(String path, long step, Snapshots.Ref snapshot) {
    /** How messages name it: {@code src/runs/a/checkpoint-300 (step 300) of snapshot 0123...}. */
    String describe() {
      return path + " (step " + step + ") of snapshot " + snapshot.id().substring(0, 12);
    }
  }

  /**
   * The step {@code spec} asks for: null for {@code latest}, else its number; a usage error for
   * anything else.
   */
  static Long step(String spec) {
    if ("latest".equals(spec)) {
      return null;
    }
    if (spec != null && spec.matches("[0-9]{1,19}")) {
      try {
        return Long.parseLong(spec);
      } catch (NumberFormatException tooLarge) {
        // falls through to the usage error
      }
    }
    throw ArcaException.usage(
        "--checkpoint must be 'latest' or a step number (0 to 2^63-1), not '" + spec + "'");
  }

  /**
   * The candidates among the checkpoints {@code snapshots} record whose path is {@code inScope},
   * best first, for {@code step} (null: {@code latest}); a usage error naming {@code where} and the
   * steps there when there is none.
   */
  static List<Candidate> candidates(
      List<Snapshots.Ref> snapshots, Long step, String where, Predicate<String> inScope) {
    Comparator<Snapshots.Ref> newestFirst =
        Comparator.comparing(Snapshots.Ref::time).thenComparing(Snapshots.Ref::id).reversed();
    List<Snapshots.Ref> byAge = snapshots.stream().sorted(newestFirst).toList();
    Map<String, Candidate> found = new LinkedHashMap<>(); // path and step: newest holder first
    for (Snapshots.Ref r : byAge) {
      List<Checkpoint> held = r.snapshot().checkpoints();
      for (Checkpoint c : held == null ? List.<Checkpoint>of() : held) {
        if (c.step() != null && (step == null || c.step().equals(step)) && inScope.test(c.path())) {
          String key = step == null ? c.step() + "/" + c.path() : r.id() + "/" + c.path();
          found.putIfAbsent(key, new Candidate(c.path(), c.step(), r));
        }
      }
    }
    List<Candidate> out = new ArrayList<>(found.values());
    // stable: within a step, the order of found (newest snapshot first, then as listed: by path)
    out.sort(Comparator.comparingLong(Candidate::step).reversed());
    if (out.isEmpty()) {
      throw ArcaException.usage(none(snapshots, step, where, inScope));
    }
    return out;
  }

  /** The message for a request no checkpoint answers. */
  private static String none(
      List<Snapshots.Ref> snapshots, Long step, String where, Predicate<String> inScope) {
    TreeSet<Long> steps = new TreeSet<>(Comparator.reverseOrder());
    for (Snapshots.Ref r : snapshots) {
      List<Checkpoint> held = r.snapshot().checkpoints();
      if (held != null) {
        held.stream()
            .filter(c -> c.step() != null && inScope.test(c.path()))
            .map(Checkpoint::step)
            .forEach(steps::add);
      }
    }
    if (steps.isEmpty()) {
      return "no snapshot in "
          + where
          + " records a checkpoint with a step (backups record the checkpoints they hold when"
          + " given --checkpoints GLOB)";
    }
    List<Long> shown = steps.stream().limit(STEPS_SHOWN).sorted().toList();
    return "no checkpoint of step "
        + step
        + " in "
        + where
        + "; the steps recorded there: "
        + (steps.size() > STEPS_SHOWN
            ? "(the " + STEPS_SHOWN + " highest of " + steps.size() + ") "
            : "")
        + shown.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}
