package dev.arca.engine.backup;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.Part;
import java.util.List;

/**
 * Which part of a parallel backup run this backup is (FORMAT.md, "Parts"). A part writes a part
 * object instead of a snapshot; the run's commit joins the parts into one snapshot.
 *
 * @param run the run's id, the same for all its parts
 * @param index this part's number, 0 to {@code count - 1}
 * @param count how many parts the run has
 * @param runSources the sources of the whole run's snapshot when this part backs up only some of
 *     them (one part per node: its own PATHs are among them); null when every part is given all the
 *     sources and backs up its share of their files ({@link SplitPlan})
 */
public record PartSpec(String run, int index, int count, List<String> runSources) {
  public PartSpec {
    if (!Part.validRun(run)) {
      throw ArcaException.usage(
          "--run must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a"
              + " letter or digit");
    }
    if (count < 1 || count > Part.MAX_PARTS || index < 0 || index >= count) {
      throw ArcaException.usage(
          "--part must be I/N with 1 <= N <= " + Part.MAX_PARTS + " and 0 <= I < N");
    }
    runSources = runSources == null ? null : List.copyOf(runSources);
  }

  /** Whether the parts split one file set between them (rather than each taking sources). */
  public boolean split() {
    return runSources == null;
  }

  /** Parses {@code I/N}. */
  public static PartSpec parse(String run, String part, List<String> runSources) {
    String[] f = part == null ? new String[0] : part.split("/", -1);
    try {
      if (f.length == 2) {
        return new PartSpec(run, Integer.parseInt(f[0]), Integer.parseInt(f[1]), runSources);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ArcaException.usage("--part must be I/N, for example 0/3, not '" + part + "'");
  }
}
