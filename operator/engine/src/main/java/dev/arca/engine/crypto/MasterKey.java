package dev.arca.engine.crypto;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The repository's secret key material, created at init and stored only wrapped in key slots.
 *
 * @param encryptionKey AES-256 key for every stored object (32 bytes)
 * @param idKey HMAC-SHA256 key for chunk ids, so ids do not reveal known content (32 bytes)
 * @param chunkerSeed seed of the content-defined chunker's gear table (32 bytes)
 */
public record MasterKey(byte[] encryptionKey, byte[] idKey, byte[] chunkerSeed) {
  static final int LENGTH = 96;

  public static MasterKey random() {
    byte[] all = new byte[LENGTH];
    new SecureRandom().nextBytes(all);
    return decode(all);
  }

  byte[] encode() {
    byte[] out = new byte[LENGTH];
    System.arraycopy(encryptionKey, 0, out, 0, 32);
    System.arraycopy(idKey, 0, out, 32, 32);
    System.arraycopy(chunkerSeed, 0, out, 64, 32);
    return out;
  }

  static MasterKey decode(byte[] b) {
    if (b.length != LENGTH) {
      throw new IllegalArgumentException("master key must be " + LENGTH + " bytes");
    }
    return new MasterKey(
        Arrays.copyOfRange(b, 0, 32), Arrays.copyOfRange(b, 32, 64), Arrays.copyOfRange(b, 64, 96));
  }

  @Override
  public String toString() {
    return "MasterKey[redacted]";
  }
}
