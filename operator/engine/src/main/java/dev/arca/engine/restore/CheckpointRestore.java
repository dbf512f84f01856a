package dev.arca.engine.restore;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.fs.Globs;
import dev.arca.engine.fs.PathFilter;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code restore --checkpoint latest|STEP [--verify-first]}: restores one training checkpoint
 * folder, whole, chosen among the checkpoints the selected snapshots record ({@link
 * CheckpointChoice}), into the target at the path a full restore would give it. With {@code
 * verifyFirst}, each candidate's data is checked before anything is written ({@link
 * CheckpointCheck}); one that fails is rejected with a warning and the next candidate is tried,
 * until one passes or none is left (an integrity error naming what was rejected).
 */
public final class CheckpointRestore {
  /** How many rejected checkpoints the error of a restore that found none intact names. */
  static final int REJECTED_SHOWN = 5;

  private CheckpointRestore() {}

  /**
   * The step {@code checkpoint} asks for: null for {@code latest}, else its number; a usage error
   * for anything else.
   */
  public static Long step(String checkpoint) {
    return CheckpointChoice.step(checkpoint);
  }

  /**
   * Restores the checkpoint {@code checkpoint} ({@code latest} or a step number) asks for, choosing
   * among the snapshots {@code opts.filter()} selects, and among those whose folder {@code
   * opts.includes()} selects (itself or a parent; none: any); {@code opts.snapshot()} and {@code
   * before} are not used.
   */
  public static RestoreReport run(
      Repository repo, RestoreOptions opts, String checkpoint, boolean verifyFirst)
      throws IOException {
    long t0 = System.nanoTime();
    Long step = CheckpointChoice.step(checkpoint);
    Restore.target(opts); // a target that cannot be one fails before any data is read
    Consumer<String> warn = m -> opts.progress().warn(m);
    Globs scope = Globs.compile(opts.includes(), "--include");
    List<CheckpointChoice.Candidate> candidates =
        CheckpointChoice.candidates(
            Snapshots.selected(repo, opts.filter(), warn),
            step,
            Snapshots.where(repo, opts.filter())
                + (scope.isEmpty() ? "" : " under --include " + String.join(", ", opts.includes())),
            scope.isEmpty() ? path -> true : scope::matchesOrParent);
    BlobIndex index = repo.loadIndex(warn);
    List<RestoreReport.RejectedCheckpoint> rejected = new ArrayList<>();
    CheckpointChoice.Candidate chosen =
        verifyFirst
            ? firstIntact(repo, index, opts, candidates, rejected, step)
            : candidates.get(0);
    return Restore.run(repo, opts, chosen.snapshot(), index, PathFilter.exactly(chosen.path()), t0)
        .withCheckpoint(
            new RestoreReport.ChosenCheckpoint(
                chosen.path(), chosen.step(), chosen.snapshot().id()),
            rejected);
  }

  /** The first candidate whose data passes the check; those before it go to {@code rejected}. */
  private static CheckpointChoice.Candidate firstIntact(
      Repository repo,
      BlobIndex index,
      RestoreOptions opts,
      List<CheckpointChoice.Candidate> candidates,
      List<RestoreReport.RejectedCheckpoint> rejected,
      Long step)
      throws IOException {
    Consumer<String> warn = m -> opts.progress().warn(m);
    CheckpointCheck check = new CheckpointCheck(repo, index, opts.threads());
    List<String> why = new ArrayList<>(); // each rejected one as messages name it, and why
    try {
      for (int i = 0; i < candidates.size(); i++) {
        CheckpointChoice.Candidate c = candidates.get(i);
        String problem = check.problem(c);
        if (problem == null) {
          return c;
        }
        rejected.add(
            new RestoreReport.RejectedCheckpoint(c.path(), c.step(), c.snapshot().id(), problem));
        why.add(c.describe() + ": " + problem);
        warn.accept(
            "rejected checkpoint "
                + why.get(i)
                + (i + 1 < candidates.size()
                    ? "; trying " + candidates.get(i + 1).describe()
                    : "; no other candidate is left"));
      }
    } finally {
      check.record(warn);
    }
    throw ArcaException.integrity(
        (step == null ? "no checkpoint" : "no checkpoint of step " + step)
            + " passed the data check (--verify-first); "
            + why.size()
            + " rejected: "
            + String.join("; ", why.subList(0, Math.min(REJECTED_SHOWN, why.size())))
            + (why.size() > REJECTED_SHOWN
                ? "; and " + (why.size() - REJECTED_SHOWN) + " more"
                : "")
            + "; run arca verify --read-data");
  }
}
