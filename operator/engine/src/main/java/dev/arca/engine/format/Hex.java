package dev.arca.engine.format;

import java.util.HexFormat;

/** Lower-case hex for ids. */
public final class Hex {
  private static final HexFormat HEX = HexFormat.of();

  private Hex() {}

  public static String of(byte[] b) {
    return HEX.formatHex(b);
  }

  public static byte[] parse(String s) {
    if (s == null || s.length() != 64) {
      throw new IllegalArgumentException("not a 64-character hex id: " + s);
    }
    return HEX.parseHex(s);
  }

  public static boolean isId(String s) {
    return s != null && s.length() == 64 && isHex(s);
  }

  /** Whether {@code s} is lower-case hex of whole bytes (an even number of digits). */
  public static boolean isHex(String s) {
    if (s.length() % 2 != 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
