package dev.arca.engine.fs;

import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Node;

/**
 * Checks entry names read from a repository before they touch the disk: a name must be a single
 * path component, so a crafted or damaged snapshot can never write outside the restore target. A
 * name stored as bytes ({@code nameBytes}) passes the same rules on its bytes, and must not be
 * valid UTF-8: such a name has only one spelling, {@code name}, so no two entries of a folder can
 * spell one name two ways.
 */
public final class SafeNames {
  private SafeNames() {}

  /** Null if the entry's name is safe, else why it is not. */
  public static String problem(Node n) {
    if (n.nameBytes() == null) {
      return problem(n.name());
    }
    if (n.name() != null) {
      return "entry has both a name and nameBytes";
    }
    String name = n.fileName();
    if (name == null) {
      return "nameBytes is not lower-case hex of at most " + Limits.MAX_PATH + " bytes";
    }
    String problem = component(name);
    if (problem == null && FileName.isUtf8(name)) {
      problem = "nameBytes holds '" + name + "', valid UTF-8, which only name may hold";
    }
    return problem;
  }

  /**
   * Null if {@code n} may be an entry of a folder whose path takes {@code folderBytes} bytes and
   * whose names so far are {@code seen} (its name is then added), else why not: its name breaks the
   * rules above, is in the folder twice (compared as bytes), or makes a path longer than {@link
   * Limits#MAX_PATH} bytes.
   */
  public static String entryProblem(Node n, java.util.Set<String> seen, int folderBytes) {
    String problem = problem(n);
    if (problem != null) {
      return problem;
    }
    String name = n.fileName();
    if (!seen.add(name)) {
      return "name '" + FileName.display(name) + "' appears twice in one folder";
    }
    if (folderBytes + 1 + FileName.byteLength(name) > Limits.MAX_PATH) {
      return "its path would be longer than " + Limits.MAX_PATH + " bytes";
    }
    return null;
  }

  /** Null if {@code name} (a name stored as text) is safe, else why it is not. */
  public static String problem(String name) {
    String problem = component(name);
    if (problem == null && !FileName.isUtf8(name)) {
      return "name has an unpaired UTF-16 surrogate (not valid Unicode)";
    }
    return problem;
  }

  /**
   * The rules every name obeys, however stored: one path component, not the folder or its parent.
   */
  private static String component(String name) {
    if (name == null || name.isEmpty()) {
      return "empty name";
    }
    if (name.equals(".") || name.equals("..")) {
      return "name '" + name + "' refers to a folder itself or its parent";
    }
    if (name.indexOf('/') >= 0) {
      return "name '" + FileName.display(name) + "' contains a path separator";
    }
    if (name.indexOf('\0') >= 0) {
      return "name contains a NUL byte";
    }
    return null;
  }
}
