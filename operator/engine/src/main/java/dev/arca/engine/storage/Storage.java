package dev.arca.engine.storage;

import java.io.IOException;
import java.util.List;

/**
 * A flat store of immutable objects addressed by slash-separated keys ({@code data/ab/abcd...}).
 *
 * <p>Contract, checked for every implementation by the storage contract test suite:
 *
 * <ul>
 *   <li>{@link #create} writes an object whole or not at all; readers never see a partial object.
 *   <li>Objects are never overwritten: {@link #create} of an existing key leaves the existing
 *       object untouched and throws {@link ObjectExistsException}.
 *   <li>{@link #read} of a missing key throws {@link ObjectMissingException}; a range that runs
 *       past the end throws as well, so short reads are never silent.
 *   <li>{@link #list} returns every object under a prefix, with sizes and creation times, in no
 *       particular order.
 * </ul>
 */
public interface Storage extends AutoCloseable {

  /** Creates {@code key} with the given bytes; fails if it already exists. */
  void create(String key, byte[] data, int offset, int length) throws IOException;

  default void create(String key, byte[] data) throws IOException {
    create(key, data, 0, data.length);
  }

  /** Reads a whole object. */
  byte[] read(String key) throws IOException;

  /** Reads {@code length} bytes of an object starting at {@code offset}. */
  byte[] read(String key, long offset, int length) throws IOException;

  /**
   * Reads a listed object, never more than the size it was listed with (which its reader checked
   * against the format's limits): an object put in its place since, larger (crafted, or changed
   * concurrently), is read only that far, so that its reader's check of the bytes fails instead of
   * memory running out; a smaller one fails as a short read.
   */
  default byte[] read(ObjectInfo listed) throws IOException {
    long size = listed.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException(listed.key() + " is too large to read whole (" + size + " bytes)");
    }
    if (size <= 0) {
      long now = size(listed.key());
      if (now < 0) {
        throw new ObjectMissingException(listed.key(), "gone since it was listed");
      }
      if (now > 0) {
        throw new IOException(
            listed.key() + " changed since it was listed (empty, now " + now + " bytes)");
      }
      return new byte[0];
    }
    return read(listed.key(), 0, (int) size);
  }

  /**
   * Reads {@code length} bytes of an object starting at {@code offset} into {@code
   * dest[0..length)}, so that a caller can reuse its arrays; fails like {@link #read(String, long,
   * int)}.
   */
  default void read(String key, long offset, int length, byte[] dest) throws IOException {
    byte[] b = read(key, offset, length);
    if (b.length != length) {
      throw new IOException("short read of " + key + ": " + b.length + " of " + length + " bytes");
    }
    System.arraycopy(b, 0, dest, 0, length);
  }

  /**
   * Opens {@code length} bytes of an object from {@code offset} as a stream, for a caller that
   * consumes a long range piece by piece instead of holding it whole (a restore reads a pack's
   * chunks one after another). The stream gives exactly {@code length} bytes and then ends: if the
   * object ends sooner, a read fails with {@link ObjectMissingException}, so a short range is never
   * a stream that just stops. A store may fetch the range with one request (S3 does) or in pieces;
   * the default reads pieces of at most {@link RangeStream#PIECE} bytes with {@link #read(String,
   * long, int, byte[])}. Close it when done; closing before the end is allowed.
   */
  default java.io.InputStream openRange(String key, long offset, long length) throws IOException {
    return new RangeStream(this, key, offset, length);
  }

  /**
   * The most bytes worth asking for in one {@link #openRange} when a caller may choose: a store
   * where each request costs a round trip (S3) gains from long ranges, a local one does not.
   */
  default int rangeReadSize() {
    return 8 << 20;
  }

  /** Size of an object, or -1 when it does not exist. */
  long size(String key) throws IOException;

  /** Objects whose key starts with {@code prefix}. */
  List<ObjectInfo> list(String prefix) throws IOException;

  /**
   * Removes an object; removing a missing object is not an error. Returns false when the object is
   * gone from listings but the store keeps its bytes: a versioned bucket (for example one with
   * Object Lock) keeps them as a noncurrent version until its retention or lifecycle rules allow.
   */
  boolean delete(String key) throws IOException;

  /**
   * Removes {@code key} with every version the store keeps of it (the noncurrent versions and
   * delete markers of a versioned bucket), for what must not stay readable by anyone who can list
   * versions: a removed password's key slot, the key slots of a destroyed key domain. Fails when a
   * version cannot be removed (one under Object Lock retention, which Arca never sets on key slots;
   * a credential without the right to delete versions). Removing a missing object is not an error.
   */
  default void purge(String key) throws IOException {
    if (!delete(key)) {
      throw new IOException(
          describe() + " keeps a version of " + key + " after its deletion; remove it by hand");
    }
  }

  /**
   * Until when the store keeps {@code key}'s current version under Object Lock retention (its
   * deletion then only hides it), or null: no retention, or a store without it.
   */
  default java.time.Instant retainedUntil(String key) throws IOException {
    return null;
  }

  /**
   * Extends the Object Lock retention of {@code key}'s current version to {@code until} in {@code
   * mode} (never shortens it: callers ask {@link #retainedUntil} first).
   */
  default void extendRetention(String key, ObjectLock.Mode mode, java.time.Instant until)
      throws IOException {
    throw new UnsupportedOperationException(describe() + " sets no Object Lock retention");
  }

  /** The retention this store sets on what it writes ({@link ObjectLock}), or null. */
  default ObjectLock objectLock() {
    return null;
  }

  /**
   * Removes what killed writers left behind before {@code olderThan}: temporary files of a folder
   * store, unfinished multipart uploads of a bucket. Never touches objects. Returns how many.
   */
  default int removeLeftovers(java.time.Instant olderThan) throws IOException {
    return 0;
  }

  /** A human-readable location for messages (never contains credentials). */
  String describe();

  @Override
  default void close() throws IOException {}

  /**
   * One listed object.
   *
   * @param key its key
   * @param size its size in bytes
   * @param modified when the store created it, by the store's clock (null if unknown)
   */
  record ObjectInfo(String key, long size, java.time.Instant modified) {
    public ObjectInfo(String key, long size) {
      this(key, size, null);
    }
  }
}
