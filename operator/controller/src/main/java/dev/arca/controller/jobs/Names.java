package dev.arca.controller.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic names of at most 63 characters (the limit of a label value such as job-name). */
public final class Names {
  static final int MAX = 63;

  private Names() {}

  /** {@code base-suffix}, with {@code base} shortened and a hash added when it would not fit. */
  public static String of(String base, String suffix) {
    String name = base + "-" + suffix;
    if (name.length() <= MAX) {
      return name;
    }
    String hash = sha256(base).substring(0, 8);
    int keep = MAX - suffix.length() - hash.length() - 2;
    return base.substring(0, keep).replaceAll("-+$", "") + "-" + hash + "-" + suffix;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
