package dev.arca.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** SHA-256 of every regular file under a folder, keyed by relative path, and tree comparison. */
public final class TreeDigest {
  private TreeDigest() {}

  /** Relative path ({@code /}-separated) to hex SHA-256, for every regular file under root. */
  public static Map<String, String> of(Path root) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    Map<String, String> digests = new ConcurrentHashMap<>();
    try {
      files.parallelStream().forEach(f -> digests.put(relative(root, f), sha256(f)));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new TreeMap<>(digests);
  }

  /**
   * Human-readable differences between the trees under {@code expected} and {@code actual} (at most
   * {@code limit} lines); empty when they hold the same files with the same content.
   */
  public static List<String> differences(Path expected, Path actual, int limit) throws IOException {
    return differences(of(expected), of(actual), limit);
  }

  /** Human-readable differences between two digests (at most {@code limit} lines). */
  public static List<String> differences(
      Map<String, String> expected, Map<String, String> actual, int limit) {
    List<String> out = new ArrayList<>();
    Set<String> all = new TreeSet<>(expected.keySet());
    all.addAll(actual.keySet());
    for (String path : all) {
      String e = expected.get(path);
      String a = actual.get(path);
      if (e == null) {
        out.add("unexpected file " + path);
      } else if (a == null) {
        out.add("missing file " + path);
      } else if (!e.equals(a)) {
        out.add("content differs: " + path);
      }
      if (out.size() >= limit) {
        out.add("...");
        break;
      }
    }
    return out;
  }

  private static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  /** Hex SHA-256 of the file's content. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = sha256();
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
