package dev.arca.controller;

import java.util.Locale;

/** Byte counts as people read them in status and printer columns: 473 B, 28.0 MiB, 1.2 GiB. */
public final class Sizes {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Sizes() {}

  /** {@code bytes} in binary units with one decimal; null for null. */
  public static String of(Long bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    int unit = -1;
    while (v >= 1024 && unit < UNITS.length - 1) {
      v /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
  }
}
