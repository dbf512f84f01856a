package dev.arca.engine.fs;

import java.util.List;

/**
 * Include and exclude globs over snapshot-relative paths ({@code models/ckpt/step-10/x.bin}), with
 * the pattern rules of {@link Globs}. A path is included when it or one of its parent folders
 * matches an include (no includes: everything); it is excluded when it or a parent folder matches
 * an exclude.
 */
public final class PathFilter {
  private final Globs includes;
  private final Globs excludes;

  public PathFilter(List<String> includes, List<String> excludes) {
    this(Globs.compile(includes, "--include"), Globs.compile(excludes, "--exclude"));
  }

  private PathFilter(Globs includes, Globs excludes) {
    this.includes = includes;
    this.excludes = excludes;
  }

  /**
   * Selects the entry at {@code path} (names joined by '/') and everything below it, as an include
   * would, but taking every character literally and a path without '/' only at the root.
   */
  public static PathFilter exactly(String path) {
    return new PathFilter(Globs.exact(List.of(path)), Globs.compile(List.of(), "--exclude"));
  }

  public static PathFilter all() {
    return new PathFilter(List.of(), List.of());
  }

  public boolean hasIncludes() {
    return !includes.isEmpty();
  }

  /** Whether {@code path} itself is selected by the includes (or there are none). */
  public boolean included(String path) {
    return includes.isEmpty() || includes.matchesOrParent(path);
  }

  /**
   * Whether anything at or below folder {@code dir} can be selected by the includes. False only
   * when it is certain, so that a restore of one folder or file need not read the listings of every
   * other folder: no include matches the folder or a parent, and every include names a path whose
   * fixed start leads elsewhere.
   */
  public boolean mayIncludeBelow(String dir) {
    return includes.isEmpty() || included(dir) || includes.mayMatchBelow(dir);
  }

  /** Whether {@code path} or one of its parents matches an exclude. */
  public boolean excluded(String path) {
    // no excludes: not even the parents are tried (a path thousands of folders deep has thousands)
    return !excludes.isEmpty() && excludes.matchesOrParent(path);
  }
}
