package dev.arca.engine.fs;

/**
 * Checks entry names read from a repository before they touch the disk: a name must be a single
 * path component, so a crafted or damaged snapshot can never write outside the restore target.
 */
public final class SafeNames {
  private SafeNames() {}

  /** Null if {@code name} is safe, else why it is not. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "empty name";
    }
    if (name.equals(".") || name.equals("..")) {
      return "name '" + name + "' refers to a folder itself or its parent";
    }
    if (name.indexOf('/') >= 0) {
      return "name '" + name + "' contains a path separator";
    }
    if (name.indexOf('\0') >= 0) {
      return "name contains a NUL byte";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < name.length()
          && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "name has an unpaired UTF-16 surrogate (not valid Unicode)";
      }
    }
    return null;
  }
}
