package dev.arca.engine.checkpoint;

/** The step number of a checkpoint: the last run of digits in its folder's name. */
public final class Step {
  private Step() {}

  /**
   * The last run of ASCII digits in {@code name} ({@code checkpoint-1200} gives 1200, {@code
   * global_step20} 20), or null when it has none or the number does not fit a long.
   */
  public static Long of(String name) {
    int end = name.length();
    while (end > 0 && !digit(name.charAt(end - 1))) {
      end--;
    }
    int start = end;
    while (start > 0 && digit(name.charAt(start - 1))) {
      start--;
    }
    if (start == end) {
      return null;
    }
    try {
      return Long.parseLong(name.substring(start, end));
    } catch (NumberFormatException tooLong) {
      return null;
    }
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }
}
