package dev.arca.engine.backup;

import dev.arca.contract.SkippedCheckpoint;
import dev.arca.engine.Progress;
import dev.arca.engine.checkpoint.CheckpointRules;
import dev.arca.engine.checkpoint.CheckpointSpec;
import dev.arca.engine.checkpoint.Step;
import dev.arca.engine.format.Checkpoint;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Limits;
import dev.arca.engine.fs.PathFilter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Lets only whole checkpoints into a snapshot. The walk asks it about every folder ({@link
 * #enter}): a checkpoint folder that is incomplete is left out before anything in it is read; a
 * complete one is read with a {@link CheckpointRead} that files tear when they change while read,
 * and is kept ({@link #keep}) only if nothing tore it. Both outcomes are reported.
 */
final class CheckpointGate {
  /** The most bytes of paths a snapshot lists, well within the snapshot object's limit. */
  static final long MAX_LISTED_BYTES = 8L << 20;

  private final CheckpointRules rules;
  private final PathFilter filter;
  private final Progress progress;
  private final Queue<Checkpoint> held = new ConcurrentLinkedQueue<>();
  private final Queue<SkippedCheckpoint> skipped = new ConcurrentLinkedQueue<>();

  CheckpointGate(CheckpointSpec spec, PathFilter filter, Progress progress) {
    this.rules = CheckpointRules.of(spec);
    this.filter = filter;
    this.progress = progress;
  }

  /**
   * The checkpoint the folder at {@code rel} (read from {@code p}) belongs to: {@code within} when
   * it is inside one already or is none; a new {@link CheckpointRead} when it is a complete
   * checkpoint folder; {@link CheckpointRead#INCOMPLETE} (reported) when it is an incomplete one.
   */
  CheckpointRead enter(Path p, String rel, CheckpointRead within) {
    if (within != null || rules.isEmpty() || !isCheckpoint(rel)) {
      return within;
    }
    String problem = rules.problem(p);
    if (problem != null) {
      skip(rel, problem);
      return CheckpointRead.INCOMPLETE;
    }
    return new CheckpointRead(rel);
  }

  /**
   * Whether {@code rel}, a path in the snapshot (the source's root name first, as include globs see
   * it), is a checkpoint folder the includes reach.
   */
  private boolean isCheckpoint(String rel) {
    return rules.matches(rel) && filter.mayIncludeBelow(rel);
  }

  /**
   * Whether the checkpoint read as {@code c} may be kept: false (and reported) when it was torn.
   */
  boolean whole(CheckpointRead c) {
    String why = c.torn();
    if (why != null) {
      skip(c.rel(), why);
    }
    return why == null;
  }

  /**
   * Counts what the checkpoint read as {@code c} holds into {@code run}, and records it as held,
   * unless the includes select only part of it (then the snapshot holds that part, not the
   * checkpoint).
   */
  void keep(CheckpointRead c, Counters run) {
    run.add(c.counters());
    if (filter.included(c.rel())) {
      String name = c.rel().substring(c.rel().lastIndexOf('/') + 1);
      held.add(new Checkpoint(c.rel(), Step.of(name)));
    }
  }

  private void skip(String rel, String reason) {
    String shown = FileName.display(rel);
    progress.warn(shown + ": checkpoint left out of this snapshot: " + reason);
    skipped.add(new SkippedCheckpoint(shown, reason));
  }

  /** The checkpoint folders left out, by path. */
  List<SkippedCheckpoint> skipped() {
    List<SkippedCheckpoint> out = new ArrayList<>(skipped);
    out.sort(Comparator.comparing(SkippedCheckpoint::path));
    return out;
  }

  /**
   * Warns when the globs {@code folders} matched no folder at all, held or left out: most likely
   * they were written relative to the source ({@code runs/*}) rather than as snapshot paths with
   * the source's name first, and the backup would otherwise store the checkpoints unguarded.
   */
  void warnIfNoneMatched(List<String> folders) {
    if (held.isEmpty() && skipped.isEmpty()) {
      progress.warn(
          "--checkpoints "
              + String.join(", ", folders)
              + ": no folder matched, so no checkpoint was checked (the globs match paths in the"
              + " snapshot, the source's name first, as --include does: 'train/runs/*/checkpoint-*'"
              + " for /data/train/runs/a/checkpoint-100)");
    }
  }

  /**
   * The checkpoints the snapshot lists, by path, within the format's limits: those beyond them, or
   * whose path is not valid UTF-8, are in the snapshot but not listed (with a warning).
   */
  List<Checkpoint> listed() {
    List<Checkpoint> all = new ArrayList<>(held);
    all.sort(Comparator.comparing(Checkpoint::path));
    List<Checkpoint> out = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < all.size(); i++) {
      Checkpoint c = all.get(i);
      if (!FileName.isUtf8(c.path())) {
        progress.warn(
            FileName.display(c.path())
                + ": checkpoint stored, but not listed: its path is not valid UTF-8");
        continue;
      }
      bytes += FileName.byteLength(c.path());
      if (out.size() == Limits.MAX_CHECKPOINTS || bytes > MAX_LISTED_BYTES) {
        progress.warn(
            "the "
                + (all.size() - i)
                + " checkpoints from "
                + c.path()
                + " on are stored but not listed: a snapshot lists at most "
                + Limits.MAX_CHECKPOINTS
                + " checkpoints and "
                + MAX_LISTED_BYTES
                + " bytes of their paths");
        break;
      }
      out.add(c);
    }
    return out;
  }
}
