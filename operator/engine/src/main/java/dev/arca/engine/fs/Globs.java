package dev.arca.engine.fs;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.FileName;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of globs over relative paths ({@code runs/a/checkpoint-100}), as the command line's {@code
 * --include}, {@code --exclude} and {@code --checkpoints} take them: a pattern with a '/' matches
 * the whole path ({@code *} stays within one name, {@code **} crosses names); a pattern without '/'
 * matches a single name at any depth. Paths are {@link FileName} strings: globs see each byte of a
 * name that is not valid UTF-8 as U+FFFD, which {@code ?} and {@code *} match.
 */
public final class Globs {
  /**
   * @param literal the pattern's start before its first glob character: every path it matches
   *     begins with these characters
   */
  private record Glob(PathMatcher matcher, boolean nameOnly, String literal) {
    boolean matches(String path) {
      if (nameOnly) {
        int slash = path.lastIndexOf('/');
        return matcher.matches(Path.of(path.substring(slash + 1)));
      }
      return matcher.matches(Path.of(path));
    }
  }

  private final List<Glob> globs;

  private Globs(List<Glob> globs) {
    this.globs = globs;
  }

  /**
   * Compiles {@code patterns} (null: none); a leading '/' and trailing '/'s are dropped. An empty
   * or invalid pattern is a usage error naming {@code flag}.
   */
  public static Globs compile(List<String> patterns, String flag) {
    List<Glob> out = new ArrayList<>();
    if (patterns == null) {
      return new Globs(out);
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
        out.add(new Glob(m, !p.contains("/"), literalStart(p)));
      } catch (IllegalArgumentException e) {
        throw ArcaException.usage(flag + " pattern '" + raw + "' is not a valid glob: " + e);
      }
    }
    return new Globs(out);
  }

  /**
   * Globs that each match exactly one of {@code paths} (names joined by '/'), whatever characters
   * they hold: no character is a glob character, and a path without '/' matches only itself at the
   * root, not a name at any depth.
   */
  public static Globs exact(List<String> paths) {
    List<Glob> out = new ArrayList<>();
    for (String p : paths) {
      StringBuilder escaped = new StringBuilder(p.length() + 8);
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if ("*?[]{}\\".indexOf(c) >= 0) {
          escaped.append('\\');
        }
        escaped.append(c);
      }
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + escaped);
      out.add(new Glob(m, false, p));
    }
    return new Globs(out);
  }

  public boolean isEmpty() {
    return globs.isEmpty();
  }

  /** Whether a glob matches {@code path} itself (its parents are not tried). */
  public boolean matches(String path) {
    return matchesView(FileName.globView(path));
  }

  /** Whether a glob matches {@code path} or one of its parent folders. */
  public boolean matchesOrParent(String path) {
    for (String p = FileName.globView(path); p != null; p = parent(p)) {
      if (matchesView(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a glob may match a path below folder {@code dir}: false only when every glob names a
   * path whose fixed start leads elsewhere.
   */
  public boolean mayMatchBelow(String dir) {
    String prefix = FileName.globView(dir) + "/";
    for (Glob g : globs) {
      if (g.nameOnly() || g.literal().startsWith(prefix) || prefix.startsWith(g.literal())) {
        return true;
      }
    }
    return false;
  }

  private boolean matchesView(String view) {
    for (Glob g : globs) {
      if (g.matches(view)) {
        return true;
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
}
