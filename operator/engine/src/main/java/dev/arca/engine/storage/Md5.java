package dev.arca.engine.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The MD5 digest object stores keep of an object's bytes (S3's ETag, GCS's md5Hash, Azure's
 * Content-MD5): how a store tells a retried create whose first attempt had landed from another
 * object under the same key. Not a security check: the bytes are compared in full when no digest is
 * kept.
 */
public final class Md5 {
  private Md5() {}

  public static byte[] of(byte[] data, int offset, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update(data, offset, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }
}
