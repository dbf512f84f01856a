package dev.arca.engine.restore;

import dev.arca.engine.ArcaException;

/**
 * Which part of a restore in parts a run is: several processes (Jobs on several nodes) restore one
 * snapshot into one shared folder, each its share of the files ({@link
 * dev.arca.engine.format.Shares}: large files dealt out by size, small ones by a hash of their
 * path), creating the folders it needs but leaving temporary files, links and folder metadata
 * alone; a last run, {@link #folders}, removes what interrupted runs left, makes the links and sets
 * the folders' metadata once every part is done.
 *
 * @param index this part's number, 0 to {@code count - 1}; -1 for the folders run
 * @param count how many parts restore files
 */
public record RestoreShare(int index, int count) {
  /** The most parts a restore may have. */
  public static final int MAX_PARTS = 256;

  public RestoreShare {
    if (count < 1 || count > MAX_PARTS || index < -1 || index >= count) {
      throw ArcaException.usage(
          "--part must be I/N with 1 <= N <= " + MAX_PARTS + " and 0 <= I < N");
    }
  }

  /** The last run of a restore in parts: folders, links and folder metadata, no file. */
  public static RestoreShare folders() {
    return new RestoreShare(-1, 1);
  }

  /** Whether this is the folders run. */
  public boolean foldersOnly() {
    return index < 0;
  }

  /** Parses {@code I/N}. */
  public static RestoreShare parse(String part) {
    String[] f = part.split("/", -1);
    try {
      if (f.length == 2) {
        return new RestoreShare(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ArcaException.usage("--part must be I/N, for example 0/3, not '" + part + "'");
  }
}
