package dev.arca.engine.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes chunk ids: HMAC-SHA256 with the repository's id key when encrypted ({@code
 * hmac-sha256}), plain SHA-256 otherwise ({@code sha256}). Thread-safe.
 */
public final class ChunkIds {
  public static final String HMAC_SHA256 = "hmac-sha256";
  public static final String SHA256 = "sha256";

  private final String algorithm;
  private final ThreadLocal<Object> engines;

  private ChunkIds(String algorithm, byte[] key) {
    this.algorithm = algorithm;
    this.engines =
        ThreadLocal.withInitial(
            () -> {
              try {
                if (key == null) {
                  return MessageDigest.getInstance("SHA-256");
                }
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
              }
            });
  }

  public static ChunkIds forAlgorithm(String algorithm, byte[] key) {
    return switch (algorithm) {
      case HMAC_SHA256 -> new ChunkIds(algorithm, key.clone());
      case SHA256 -> new ChunkIds(algorithm, null);
      default ->
          throw new IllegalArgumentException("unknown chunk id algorithm '" + algorithm + "'");
    };
  }

  public String algorithm() {
    return algorithm;
  }

  public byte[] id(byte[] data, int off, int len) {
    Object e = engines.get();
    if (e instanceof Mac mac) {
      mac.update(data, off, len);
      return mac.doFinal();
    }
    MessageDigest md = (MessageDigest) e;
    md.update(data, off, len);
    return md.digest();
  }

  /** A fresh SHA-256 digest (whole-file hashes are always plain SHA-256). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
