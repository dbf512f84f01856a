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
 * Seals and opens stored bytes. {@code aes-256-gcm}: a random 12-byte nonce, then the plaintext cut
 * into segments of {@link #SEGMENT} bytes (the last one shorter), each sealed with AES-256-GCM
 * under the nonce XOR its index and with its index and a last-segment flag as associated data, so
 * segments cannot be reordered, dropped or truncated unseen. Segments keep every JCE call small,
 * which is what lets the JIT use the AES and GHASH instructions. {@code none}: the bytes as they
 * are. One instance is shared by all threads (each thread keeps its own JCE cipher).
 */
public final class BlobCipher {
  public static final String AES_256_GCM = "aes-256-gcm";
  public static final String NONE = "none";

  /** Plaintext bytes per sealed segment. */
  public static final int SEGMENT = 64 << 10;

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

  /**
   * Whether opening checks an authentication tag, so that bytes that open are the bytes a holder of
   * the key sealed ({@code aes-256-gcm}); {@code none} checks nothing.
   */
  public boolean authenticates() {
    return key != null;
  }

  /** Bytes added when sealing {@code len} bytes. */
  public int overhead(int len) {
    return key == null ? 0 : NONCE + TAG * segments(len);
  }

  private static int segments(int len) {
    return Math.max(1, (len + SEGMENT - 1) / SEGMENT);
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
      int n = segments(len);
      int pos = outOff + NONCE;
      for (int i = 0; i < n; i++) {
        int from = off + i * SEGMENT;
        int segLen = Math.min(SEGMENT, off + len - from);
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, segmentNonce(nonce, i)));
        c.updateAAD(aad(i, i == n - 1));
        pos += c.doFinal(in, from, segLen, out, pos);
      }
      return pos - outOff;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  public byte[] seal(byte[] in) {
    byte[] out = new byte[in.length + overhead(in.length)];
    int n = seal(in, 0, in.length, out, 0);
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /**
   * Opens sealed bytes.
   *
   * @throws ArcaException of kind INTEGRITY when the bytes were changed or the key is wrong
   */
  public byte[] open(byte[] in, int off, int len, String what) {
    byte[] out = new byte[Math.max(0, plainLength(len))];
    int n = openInto(in, off, len, out, what);
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Plaintext length of a sealed object of {@code len} bytes (negative if it cannot be one). */
  public int plainLength(int len) {
    if (key == null) {
      return len;
    }
    int body = len - NONCE;
    int n = Math.max(1, (body + SEGMENT + TAG - 1) / (SEGMENT + TAG));
    return body - n * TAG;
  }

  /**
   * Opens sealed bytes into {@code out} (at least {@link #plainLength} long); returns the plaintext
   * length.
   *
   * @throws ArcaException of kind INTEGRITY when the bytes were changed or the key is wrong
   */
  public int openInto(byte[] in, int off, int len, byte[] out, String what) {
    if (key == null) {
      System.arraycopy(in, off, out, 0, len);
      return len;
    }
    int body = len - NONCE;
    int n = Math.max(1, (body + SEGMENT + TAG - 1) / (SEGMENT + TAG));
    int plainLen = body - n * TAG;
    if (body < TAG || plainLen < 0 || segments(plainLen) != n) {
      throw ArcaException.integrity(
          what + " is damaged: its length is not that of a sealed object");
    }
    try {
      byte[] nonce = Arrays.copyOfRange(in, off, off + NONCE);
      Cipher c = ciphers.get();
      int pos = off + NONCE;
      int outPos = 0;
      for (int i = 0; i < n; i++) {
        int segLen = Math.min(SEGMENT, plainLen - outPos);
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, segmentNonce(nonce, i)));
        c.updateAAD(aad(i, i == n - 1));
        outPos += c.doFinal(in, pos, segLen + TAG, out, outPos);
        pos += segLen + TAG;
      }
      return plainLen;
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

  private static byte[] segmentNonce(byte[] nonce, int index) {
    byte[] n = nonce.clone();
    n[8] ^= (byte) (index >>> 24);
    n[9] ^= (byte) (index >>> 16);
    n[10] ^= (byte) (index >>> 8);
    n[11] ^= (byte) index;
    return n;
  }

  private static byte[] aad(int index, boolean last) {
    return new byte[] {
      (byte) (index >>> 24),
      (byte) (index >>> 16),
      (byte) (index >>> 8),
      (byte) index,
      (byte) (last ? 1 : 0)
    };
  }
}
