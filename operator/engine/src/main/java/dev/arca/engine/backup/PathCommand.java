package dev.arca.engine.backup;

import dev.arca.engine.ArcaException;

/**
 * The {@code PATH=COMMAND} of {@code --stream} and {@code --pipe}: a file of a snapshot and a shell
 * command. The path ends at the first {@code =} that is not escaped; in the path, {@code \=} stands
 * for {@code =} and {@code \\} for {@code \}. {@link #format} writes it that way, so a path that
 * holds {@code =} (for example {@code db/a=b.sql}) never takes part of the command with it.
 *
 * @param path the file's path in the snapshot
 * @param command the command, for {@code sh -c}
 */
public record PathCommand(String path, String command) {
  /** Parses {@code value}, given to the option {@code option} (named in errors). */
  public static PathCommand parse(String option, String value) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() && "=\\".indexOf(value.charAt(i + 1)) >= 0) {
        path.append(value.charAt(++i));
      } else if (c == '=') {
        String command = value.substring(i + 1);
        if (path.length() == 0 || command.isBlank()) {
          break;
        }
        return new PathCommand(path.toString(), command);
      } else {
        path.append(c);
      }
    }
    throw ArcaException.usage(
        option
            + " takes PATH=COMMAND, e.g. "
            + option
            + " db/app.sql='pg_dump app' (write = in PATH as \\=)");
  }

  /** The {@code PATH=COMMAND} argument for {@code path} and {@code command}. */
  public static String format(String path, String command) {
    return path.replace("\\", "\\\\").replace("=", "\\=") + "=" + command;
  }
}
