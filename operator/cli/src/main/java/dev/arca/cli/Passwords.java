package dev.arca.cli;

import dev.arca.engine.ArcaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one rule for reading a password, wherever it comes from (a file, {@code ARCA_PASSWORD},
 * {@code ARCA_NEW_PASSWORD}, or a Kubernetes Secret that reaches a Job as one of those variables):
 * one line break at the end ({@code \n} or {@code \r\n}) is dropped, and what is left must be one
 * line. So {@code printf 'pw\n' > f}, {@code --password-file f}, {@code ARCA_PASSWORD="$(cat f)"}
 * and a Secret made with {@code kubectl create secret generic --from-file=password=f} all give the
 * same password.
 */
final class Passwords {
  private Passwords() {}

  /** The password in {@code file} (named {@code flag} in messages). */
  static char[] fromFile(Path file, String flag) {
    String raw;
    try {
      raw = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ArcaException.usage("cannot read " + flag + " " + file + ": " + e);
    }
    return oneLine(raw, flag + " " + file);
  }

  /** The password in the environment variable {@code name}, or null if it is not set. */
  static char[] fromEnv(String name) {
    String raw = System.getenv(name);
    return raw == null ? null : oneLine(raw, "$" + name);
  }

  /**
   * {@code raw} without one trailing line break; a value with a line break elsewhere is refused
   * (reading only its first line would silently use a shorter password than the user meant).
   *
   * @param source where the value came from, for the message (never the value itself)
   */
  static char[] oneLine(String raw, String source) {
    String s = raw;
    if (s.endsWith("\r\n")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      throw ArcaException.usage(
          "the password in "
              + source
              + " has a line break before its end; a password is one line (one line break at"
              + " its end is dropped)");
    }
    return s.toCharArray();
  }
}
