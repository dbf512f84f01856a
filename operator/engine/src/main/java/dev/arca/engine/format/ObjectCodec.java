package dev.arca.engine.format;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.BlobCipher;
import java.io.IOException;
import java.util.Arrays;

/**
 * Encodes standalone objects (index files, snapshots) and tree blobs: one codec byte, the payload
 * compressed by that codec, all sealed by the repository's cipher. JSON payloads are written with a
 * fixed field order so equal trees give equal bytes and so equal ids.
 */
public final class ObjectCodec {
  /** Shared JSON mapper: deterministic output, tolerant of fields added by newer versions. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final BlobCipher cipher;
  private final Compression compression;

  public ObjectCodec(BlobCipher cipher, Compression compression) {
    this.cipher = cipher;
    this.compression = compression;
  }

  public BlobCipher cipher() {
    return cipher;
  }

  /** Codec byte + compressed payload, not yet sealed. */
  public byte[] frame(byte[] payload) {
    byte[] out = new byte[1 + Compression.bound(payload.length)];
    byte[] tmp = new byte[Compression.bound(payload.length)];
    int n = compression.compress(payload, 0, payload.length, tmp);
    if (n < 0) {
      out[0] = Compression.NONE;
      System.arraycopy(payload, 0, out, 1, payload.length);
      return Arrays.copyOf(out, 1 + payload.length);
    }
    out[0] = Compression.ZSTD;
    System.arraycopy(tmp, 0, out, 1, n);
    return Arrays.copyOf(out, 1 + n);
  }

  /** Inverse of {@link #frame}. */
  public byte[] unframe(byte[] framed, int maxRaw, String what) {
    if (framed.length < 1) {
      throw ArcaException.integrity(what + " is damaged: empty");
    }
    if (framed[0] == Compression.NONE) {
      Limits.check(framed.length - 1L, maxRaw, what);
      return Arrays.copyOfRange(framed, 1, framed.length);
    }
    if (framed.length - 1 > maxRaw) {
      throw ArcaException.integrity(what + " is damaged: larger than the format allows");
    }
    long raw = com.github.luben.zstd.Zstd.getFrameContentSize(framed, 1, framed.length - 1);
    if (raw < 0) {
      throw ArcaException.integrity(what + " is damaged: bad compressed frame");
    }
    Limits.check(raw, maxRaw, what);
    return compression.decompress(framed[0], framed, 1, framed.length - 1, (int) raw, what);
  }

  public byte[] seal(byte[] payload) {
    return cipher.seal(frame(payload));
  }

  /**
   * Opens a stored object whose plaintext may be at most {@code maxPlain} bytes (a limit of {@link
   * Limits}); a larger object or a larger claim inside it is damage, found before anything that
   * large is allocated.
   */
  public byte[] open(byte[] stored, int maxPlain, String what) {
    Limits.check(stored.length, Limits.sealedBound(maxPlain), what);
    return unframe(cipher.open(stored, what), maxPlain, what);
  }

  public byte[] sealJson(Object value) {
    try {
      return seal(JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public <T> T openJson(byte[] stored, Class<T> type, int maxPlain, String what) {
    byte[] plain = open(stored, maxPlain, what);
    try {
      return JSON.readValue(plain, type);
    } catch (IOException e) {
      FormatViolation v = violation(e);
      throw ArcaException.integrity(
          what
              + " is damaged: "
              + (v != null ? v.getMessage() : "not valid JSON (" + e.getMessage() + ")"));
    }
  }

  /** The {@link FormatViolation} behind {@code e}, if a field's reader threw one. */
  private static FormatViolation violation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FormatViolation v) {
        return v;
      }
    }
    return null;
  }
}
