package dev.arca.engine.fs;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.FileName;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Include and exclude globs over snapshot-relative paths ({@code models/ckpt/step-10/x.bin}).
 *
 * <p>A pattern with a '/' matches the whole relative path ({@code *} stays within one name, {@code
 * **} crosses names); a pattern without '/' matches a single name at any depth. A path is included
 * when it or one of its parent folders matches an include (no includes: everything); it is excluded
 * when it or a parent folder matches an exclude. Paths are {@link FileName} strings: globs see each
 * byte of a name that is not valid UTF-8 as U+FFFD, which {@code ?} and {@code *} match.
 */
public final class PathFilter {
  private final List<Glob> includes;
  private final List<Glob> excludes;

  /**
   * @param literal the pattern's start before its first glob character: every path it matches
   *     begins with these characters
   */
  private record Glob(String pattern, PathMatcher matcher, boolean nameOnly, String literal) {
    boolean matches(String path) {
      if (nameOnly) {
        int slash = path.lastIndexOf('/');
        return matcher.matches(Path.of(path.substring(slash + 1)));
      }
      return matcher.matches(Path.of(path));
    }
  }

  public PathFilter(List<String> includes, List<String> excludes) {
    this.includes = compile(includes, "--include");
    this.excludes = compile(excludes, "--exclude");
  }

  public static PathFilter all() {
    return new PathFilter(List.of(), List.of());
  }

  public boolean hasIncludes() {
    return !includes.isEmpty();
  }

  /** Whether {@code path} itself is selected by the includes (or there are none). */
  public boolean included(String path) {
    if (includes.isEmpty()) {
      return true;
    }
    for (String p = FileName.globView(path); p != null; p = parent(p)) {
      for (Glob g : includes) {
        if (g.matches(p)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether anything at or below folder {@code dir} can be selected by the includes. False only
   * when it is certain, so that a restore of one folder or file need not read the listings of every
   * other folder: no include matches the folder or a parent, and every include names a path whose
   * fixed start leads elsewhere.
   */
  public boolean mayIncludeBelow(String dir) {
    if (includes.isEmpty() || included(dir)) {
      return true;
    }
    String prefix = FileName.globView(dir) + "/";
    for (Glob g : includes) {
      if (g.nameOnly() || g.literal().startsWith(prefix) || prefix.startsWith(g.literal())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code path} or one of its parents matches an exclude. */
  public boolean excluded(String path) {
    if (excludes.isEmpty()) {
      return false; // not even the parents: a path thousands of folders deep has thousands
    }
    for (String p = FileName.globView(path); p != null; p = parent(p)) {
      for (Glob g : excludes) {
        if (g.matches(p)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String parent(String p) {
    int slash = p.lastIndexOf('/');
    return slash <= 0 ? null : p.substring(0, slash);
  }

  private static String literalStart(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      if ("*?[]{}\\".indexOf(pattern.charAt(i)) >= 0) {
        return pattern.substring(0, i);
      }
    }
    return pattern;
  }

  private static List<Glob> compile(List<String> patterns, String flag) {
    List<Glob> out = new ArrayList<>();
    if (patterns == null) {
      return out;
    }
    for (String raw : patterns) {
      String p = raw.startsWith("/") ? raw.substring(1) : raw;
      while (p.endsWith("/") && p.length() > 1) {
        p = p.substring(0, p.length() - 1);
      }
      if (p.isEmpty()) {
        throw ArcaException.usage(flag + " pattern is empty");
      }
      try {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + p);
        out.add(new Glob(raw, m, !p.contains("/"), literalStart(p)));
      } catch (IllegalArgumentException e) {
        throw ArcaException.usage(flag + " pattern '" + raw + "' is not a valid glob: " + e);
      }
    }
    return out;
  }
}
