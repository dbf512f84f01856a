package dev.arca.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints byte sizes ({@code 200m}, {@code 2g}, {@code 1.5 GiB}). */
public final class Sizes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};
  private static final Pattern SIZE =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([kmgt]?)(?:i?b)?");

  private Sizes() {}

  /**
   * Parses a size with an optional binary suffix {@code k}, {@code m}, {@code g} or {@code t}
   * (case-insensitive; {@code 2g}, {@code 2G}, {@code 2gb} and {@code 2GiB} all mean 2^31 bytes).
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size (e.g. 200m, 2g): " + text);
    }
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    long bytes = Math.round(Double.parseDouble(m.group(1)) * (1L << shift));
    if (bytes <= 0) {
      throw new IllegalArgumentException("size must be positive: " + text);
    }
    return bytes;
  }

  /** Prints a byte count with a binary unit, e.g. {@code 1.50 GiB}. */
  public static String format(long bytes) {
    double value = bytes;
    int unit = 0;
    while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", value, UNITS[unit]);
  }
}
