package dev.arca.engine.crypto;

import dev.arca.engine.ArcaException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens stored bytes. {@code aes-256-gcm}: a random 12-byte nonce, then the ciphertext
 * with its 16-byte tag; {@code none}: the bytes as they are. One instance is shared by all threads
 * (each thread keeps its own JCE cipher).
 */
public final class BlobCipher {
  public static final String AES_256_GCM = "aes-256-gcm";
  public static final String NONE = "none";
  private static final int NONCE = 12;
  private static final int TAG = 16;

  private final SecretKeySpec key;
  private final ThreadLocal<Cipher> ciphers;
  private final SecureRandom random = new SecureRandom();

  private BlobCipher(byte[] key) {
    this.key = key == null ? null : new SecretKeySpec(key, "AES");
    this.ciphers =
        ThreadLocal.withInitial(
            () -> {
              try {
                return Cipher.getInstance("AES/GCM/NoPadding");
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is not available in this JVM", e);
              }
            });
  }

  public static BlobCipher aesGcm(byte[] key) {
    return new BlobCipher(key.clone());
  }

  public static BlobCipher none() {
    return new BlobCipher(null);
  }

  public String id() {
    return key == null ? NONE : AES_256_GCM;
  }

  /** Bytes added to every sealed blob. */
  public int overhead() {
    return key == null ? 0 : NONCE + TAG;
  }

  /** Seals {@code in[off..off+len)} into {@code out} at {@code outOff}; returns bytes written. */
  public int seal(byte[] in, int off, int len, byte[] out, int outOff) {
    if (key == null) {
      System.arraycopy(in, off, out, outOff, len);
      return len;
    }
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      System.arraycopy(nonce, 0, out, outOff, NONCE);
      Cipher c = ciphers.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
      return NONCE + c.doFinal(in, off, len, out, outOff + NONCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  public byte[] seal(byte[] in) {
    byte[] out = new byte[in.length + overhead()];
    int n = seal(in, 0, in.length, out, 0);
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /**
   * Opens sealed bytes.
   *
   * @throws ArcaException of kind INTEGRITY when the bytes were changed or the key is wrong
   */
  public byte[] open(byte[] in, int off, int len, String what) {
    if (key == null) {
      return Arrays.copyOfRange(in, off, off + len);
    }
    if (len < NONCE + TAG) {
      throw ArcaException.integrity(what + " is damaged: too short to be an encrypted object");
    }
    try {
      Cipher c = ciphers.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, in, off, NONCE));
      return c.doFinal(in, off + NONCE, len - NONCE);
    } catch (AEADBadTagException e) {
      throw ArcaException.integrity(
          what + " is damaged: its authentication tag does not match (changed or corrupted bytes)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("decryption failed", e);
    }
  }

  public byte[] open(byte[] in, String what) {
    return open(in, 0, in.length, what);
  }
}
