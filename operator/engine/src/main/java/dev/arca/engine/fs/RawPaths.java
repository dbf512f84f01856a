package dev.arca.engine.fs;

import dev.arca.engine.format.FileName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Paths to and from the exact bytes of file names ({@link FileName} strings). Java turns a name's
 * bytes into a String through {@code sun.jnu.encoding}, which the locale sets (US-ASCII when none
 * is set), and shows every byte it cannot decode as U+FFFD: resolving that String again names
 * another file, or none. Two things keep the bytes on Linux: a {@link Path} from a directory
 * listing holds the raw bytes, and {@code file:} URIs carry them ({@link Path#toUri} writes each
 * byte outside ASCII as {@code %XX}, {@link Path#of(URI)} turns {@code %XX} back into that byte).
 */
public final class RawPaths {
  /** Whether Java decodes file names as UTF-8, as the launcher's locale makes it. */
  private static final boolean UTF8_NAMES = utf8Names();

  private RawPaths() {}

  private static boolean utf8Names() {
    try {
      String jnu = System.getProperty("sun.jnu.encoding");
      return jnu != null && Charset.forName(jnu).equals(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The exact name of an entry from a directory listing. Its String is taken as it is when Java
   * could decode it (the usual case, no extra work); otherwise the bytes are read from its URI.
   */
  public static String name(Path listed) {
    String s = listed.getFileName().toString();
    if (UTF8_NAMES ? s.indexOf('\uFFFD') < 0 : isAscii(s)) {
      return s;
    }
    String raw = listed.toAbsolutePath().toUri().getRawPath();
    int end = raw.endsWith("/") ? raw.length() - 1 : raw.length(); // folders end in '/'
    return FileName.decode(unescape(raw.substring(raw.lastIndexOf('/', end - 1) + 1, end)));
  }

  /**
   * A symbolic link's target, when Java reads it exactly. A target that is not valid UTF-8 (or not
   * decodable in the locale) cannot be stored yet: it fails, so that the link is counted as
   * unreadable, never stored pointing elsewhere.
   */
  public static String linkTarget(Path link) throws IOException {
    Path target = Files.readSymbolicLink(link);
    String s = target.toString();
    try {
      if (Path.of(s).equals(target)) { // equal bytes: nothing was replaced
        return s;
      }
    } catch (InvalidPathException e) {
      // not even a path in this locale
    }
    throw new IOException(
        "its target '" + s + "' is not valid UTF-8, which a snapshot cannot hold yet");
  }

  /** A relative path of these names (joined by '/'), byte for byte whatever the locale. */
  public static Path relative(String path) {
    if (FileName.isUtf8(path) && (UTF8_NAMES || isAscii(path))) {
      return Path.of(path);
    }
    StringBuilder uri = new StringBuilder("file:///");
    for (byte b : FileName.encode(path)) {
      int c = b & 0xff;
      if (c == '/' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        uri.append((char) c);
      } else {
        uri.append('%')
            .append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 15, 16));
      }
    }
    Path absolute = Path.of(URI.create(uri.toString()));
    return absolute.subpath(0, absolute.getNameCount());
  }

  private static byte[] unescape(String uriPart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(uriPart.length());
    for (int i = 0; i < uriPart.length(); i++) {
      char c = uriPart.charAt(i);
      if (c == '%' && i + 2 < uriPart.length()) {
        out.write(Integer.parseInt(uriPart, i + 1, i + 3, 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
