package dev.arca.engine.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects of another store whose keys start with a prefix, as a store of their own: a key
 * domain's repository lives under {@code domains/<name>/} of its repository's store. Keys are
 * prefixed on the way in and the prefix is taken off listed keys; retention, retries and temporary
 * files are the outer store's.
 */
public final class PrefixedStorage implements Storage {
  private final Storage outer;
  private final String prefix;
  private final String label;

  /**
   * {@code outer}'s objects under {@code prefix} (it ends with "/"); {@code label} says in messages
   * which part of the store this is.
   */
  public PrefixedStorage(Storage outer, String prefix, String label) {
    if (!prefix.endsWith("/") || prefix.startsWith("/")) {
      throw new IllegalArgumentException("a prefix ends with / and does not start with one");
    }
    this.outer = outer;
    this.prefix = prefix;
    this.label = label;
  }

  /** The store whose objects these are. */
  public Storage outer() {
    return outer;
  }

  /** The prefix of these objects' keys in {@link #outer()}. */
  public String prefix() {
    return prefix;
  }

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    outer.create(prefix + key, data, offset, length);
  }

  @Override
  public byte[] read(String key) throws IOException {
    return outer.read(prefix + key);
  }

  @Override
  public byte[] read(String key, long offset, int length) throws IOException {
    return outer.read(prefix + key, offset, length);
  }

  @Override
  public byte[] read(ObjectInfo listed) throws IOException {
    return outer.read(new ObjectInfo(prefix + listed.key(), listed.size(), listed.modified()));
  }

  @Override
  public void read(String key, long offset, int length, byte[] dest) throws IOException {
    outer.read(prefix + key, offset, length, dest);
  }

  @Override
  public InputStream openRange(String key, long offset, long length) throws IOException {
    return outer.openRange(prefix + key, offset, length);
  }

  @Override
  public int rangeReadSize() {
    return outer.rangeReadSize();
  }

  @Override
  public long size(String key) throws IOException {
    return outer.size(prefix + key);
  }

  @Override
  public List<ObjectInfo> list(String p) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    for (ObjectInfo o : outer.list(prefix + p)) {
      if (o.key().startsWith(prefix)) { // a store answers only what was asked; checked anyway
        out.add(new ObjectInfo(o.key().substring(prefix.length()), o.size(), o.modified()));
      }
    }
    return out;
  }

  @Override
  public boolean delete(String key) throws IOException {
    return outer.delete(prefix + key);
  }

  @Override
  public void purge(String key) throws IOException {
    outer.purge(prefix + key);
  }

  @Override
  public Instant retainedUntil(String key) throws IOException {
    return outer.retainedUntil(prefix + key);
  }

  @Override
  public void extendRetention(String key, ObjectLock.Mode mode, Instant until) throws IOException {
    outer.extendRetention(prefix + key, mode, until);
  }

  @Override
  public ObjectLock objectLock() {
    return outer.objectLock();
  }

  @Override
  public int removeLeftovers(Instant olderThan) throws IOException {
    return outer.removeLeftovers(olderThan);
  }

  @Override
  public String describe() {
    return outer.describe() + " (" + label + ")";
  }

  @Override
  public void close() throws IOException {
    outer.close();
  }
}
