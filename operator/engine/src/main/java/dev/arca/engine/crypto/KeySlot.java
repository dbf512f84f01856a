package dev.arca.engine.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * One way in to the repository: the master key wrapped (AES-256-GCM) by a key derived from a
 * password with scrypt. Several slots may exist; any one opens the repository.
 *
 * @param kdf always {@code scrypt} in format version 1
 * @param n scrypt cost (CPU and memory), a power of two
 * @param r scrypt block size
 * @param p scrypt parallelism
 * @param salt random salt, base64
 * @param data the sealed master key, base64
 * @param created when the slot was made (RFC 3339)
 */
public record KeySlot(
    @JsonProperty("kdf") String kdf,
    @JsonProperty("n") int n,
    @JsonProperty("r") int r,
    @JsonProperty("p") int p,
    @JsonProperty("salt") String salt,
    @JsonProperty("data") String data,
    @JsonProperty("created") String created) {

  /** Default scrypt cost: 2^16, r=8, p=1 (64 MiB, a fraction of a second). */
  public static final int DEFAULT_N = 1 << 16;

  /** The most memory a slot's scrypt may ask for (128 * n * r bytes): 256 MiB. */
  static final long MAX_SCRYPT_MEMORY = 256L << 20;

  /** The most a slot's scrypt parallelism may be. */
  static final int MAX_P = 4;

  /**
   * Whether this slot's scrypt parameters are within the format's limits; a slot that asks for more
   * (a damaged or crafted one) is not tried: its key derivation could take any time and memory.
   */
  public boolean withinLimits() {
    return "scrypt".equals(kdf)
        && n >= 2
        && Integer.bitCount(n) == 1
        && r >= 1
        && p >= 1
        && p <= MAX_P
        && 128L * n * r <= MAX_SCRYPT_MEMORY
        && salt != null
        && data != null;
  }

  public static KeySlot wrap(MasterKey key, char[] password, int n, String created) {
    byte[] salt = new byte[32];
    new SecureRandom().nextBytes(salt);
    byte[] kek = derive(password, salt, n, 8, 1);
    byte[] sealed = BlobCipher.aesGcm(kek).seal(key.encode());
    Base64.Encoder b64 = Base64.getEncoder();
    return new KeySlot(
        "scrypt", n, 8, 1, b64.encodeToString(salt), b64.encodeToString(sealed), created);
  }

  /** The master key, or null when the password does not open this slot. */
  public MasterKey unwrap(char[] password) {
    if (!withinLimits()) {
      throw new IllegalArgumentException(
          "key derivation "
              + kdf
              + " with n="
              + n
              + ", r="
              + r
              + ", p="
              + p
              + " is not one this format allows");
    }
    byte[] kek = derive(password, Base64.getDecoder().decode(salt), n, r, p);
    try {
      return MasterKey.decode(BlobCipher.aesGcm(kek).open(Base64.getDecoder().decode(data), "key"));
    } catch (RuntimeException wrongPassword) {
      return null;
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int n, int r, int p) {
    byte[] pw = new String(password).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return SCrypt.generate(pw, salt, n, r, p, 32);
  }

  @Override
  public String toString() {
    return "KeySlot[kdf=" + kdf + ", n=" + n + "]";
  }
}
