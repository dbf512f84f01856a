package dev.arca.engine.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * File names as Java strings, byte for byte. A Linux file name is any bytes but {@code /} and NUL,
 * not necessarily valid UTF-8 (names written under a Latin-1 locale, or cut inside a character). In
 * memory a name is one string: its well-formed UTF-8 sequences decoded, and every other byte {@code
 * b} as the lone surrogate {@code U+DC00 + b} (U+DC80 to U+DCFF, what Python calls
 * surrogateescape). Well-formed UTF-8 never decodes to a lone surrogate, so different names never
 * give the same string, and {@link #encode} gives the exact bytes back. The tree format stores such
 * names as bytes ({@code nameBytes}); these strings are how the engine joins, sorts, compares and
 * selects them like any other name.
 */
public final class FileName {
  private static final char ESCAPE = '\uDC00';

  private FileName() {}

  /** The name of these bytes: UTF-8 where it is well-formed, each other byte escaped. */
  public static String decode(byte[] b) {
    StringBuilder out = new StringBuilder(b.length);
    int i = 0;
    while (i < b.length) {
      int len = sequenceLength(b, i);
      if (len == 0) {
        out.append((char) (ESCAPE + (b[i] & 0xff)));
        i++;
      } else {
        out.append(new String(b, i, len, StandardCharsets.UTF_8));
        i += len;
      }
    }
    return out.toString();
  }

  /**
   * The length of the well-formed UTF-8 sequence at {@code b[i]} (Unicode's table 3-7: no overlong
   * forms, no surrogates, nothing above U+10FFFF), or 0 if none starts there.
   */
  private static int sequenceLength(byte[] b, int i) {
    int b0 = b[i] & 0xff;
    if (b0 < 0x80) {
      return 1;
    }
    int len;
    int lo = 0x80;
    int hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      len = 3;
      lo = b0 == 0xe0 ? 0xa0 : lo;
      hi = b0 == 0xed ? 0x9f : hi;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      len = 4;
      lo = b0 == 0xf0 ? 0x90 : lo;
      hi = b0 == 0xf4 ? 0x8f : hi;
    } else {
      return 0;
    }
    if (i + len > b.length) {
      return 0;
    }
    for (int k = 1; k < len; k++) {
      int c = b[i + k] & 0xff;
      if (c < lo || c > hi) {
        return 0;
      }
      lo = 0x80;
      hi = 0xbf;
    }
    return len;
  }

  /**
   * The bytes of a name {@link #decode} gave (any string without other lone surrogates).
   *
   * @throws IllegalArgumentException if {@code name} holds a lone surrogate that is no escaped byte
   */
  public static byte[] encode(String name) {
    if (isUtf8(name)) {
      return name.getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() * 3);
    int start = 0;
    for (int i = 0; i < name.length(); i++) {
      int b = escapedByte(name, i);
      if (b >= 0) {
        out.writeBytes(name.substring(start, i).getBytes(StandardCharsets.UTF_8));
        out.write(b);
        start = i + 1;
      } else if (isLone(name, i)) {
        throw new IllegalArgumentException("not a file name: a lone UTF-16 surrogate");
      }
    }
    out.writeBytes(name.substring(start).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Whether the name is valid UTF-8 (no escaped bytes, no lone surrogates). */
  public static boolean isUtf8(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (Character.isSurrogate(name.charAt(i)) && isLone(name, i)) {
        return false;
      }
    }
    return true;
  }

  /** The length in bytes of the name or path (what Linux's limits count). */
  public static int byteLength(String name) {
    int n = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x80 || escapedByte(name, i) >= 0) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && !isLone(name, i)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * The name as people read it: each escaped byte as {@code \xNN} (two lower-case hex digits), so
   * messages and listings show which bytes a name holds. Not unique: a valid name may contain
   * {@code \x} itself.
   */
  public static String display(String name) {
    return replaceLone(name, "\\x");
  }

  /**
   * JSON text with each escaped byte in its strings as {@code \\xNN}, which JSON reads as the
   * {@code \xNN} of {@link #display}.
   */
  public static String displayInJson(String json) {
    return replaceLone(json, "\\\\x");
  }

  /**
   * The name as include and exclude globs see it: each escaped byte as U+FFFD, the character Java
   * shows for it in a path, which {@code ?} and {@code *} match.
   */
  public static String globView(String name) {
    return replaceLone(name, null);
  }

  /** Each escaped byte as {@code prefix} and two hex digits (null: as U+FFFD). */
  private static String replaceLone(String name, String prefix) {
    if (isUtf8(name)) {
      return name;
    }
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      int b = escapedByte(name, i);
      char c = name.charAt(i);
      if (b >= 0 && prefix != null) {
        out.append(prefix)
            .append(Character.forDigit(b >> 4, 16))
            .append(Character.forDigit(b & 15, 16));
      } else if (Character.isSurrogate(c) && isLone(name, i)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The byte the char at {@code i} escapes, or -1 if it is not an escaped byte. */
  private static int escapedByte(String s, int i) {
    char c = s.charAt(i);
    return c >= '\uDC80' && c <= '\uDCFF' && isLone(s, i) ? c - ESCAPE : -1;
  }

  /** Whether the surrogate at {@code i} is not half of a pair. */
  private static boolean isLone(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
  }
}
