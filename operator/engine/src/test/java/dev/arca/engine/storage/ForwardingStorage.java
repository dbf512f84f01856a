package dev.arca.engine.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * A store that passes every call on to another, for tests: a subclass overrides only what it
 * changes (slows down, refuses, counts). Every method is passed on, those the interface gives a
 * default as well, so a range read or a stream reaches the inner store as the caller made it.
 */
public abstract class ForwardingStorage implements Storage {
  protected final Storage inner;

  protected ForwardingStorage(Storage inner) {
    this.inner = inner;
  }

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    inner.create(key, data, offset, length);
  }

  @Override
  public byte[] read(String key) throws IOException {
    return inner.read(key);
  }

  @Override
  public byte[] read(String key, long offset, int length) throws IOException {
    return inner.read(key, offset, length);
  }

  @Override
  public byte[] read(ObjectInfo listed) throws IOException {
    return inner.read(listed);
  }

  @Override
  public void read(String key, long offset, int length, byte[] dest) throws IOException {
    inner.read(key, offset, length, dest);
  }

  @Override
  public InputStream openRange(String key, long offset, long length) throws IOException {
    return inner.openRange(key, offset, length);
  }

  @Override
  public int rangeReadSize() {
    return inner.rangeReadSize();
  }

  @Override
  public long size(String key) throws IOException {
    return inner.size(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return inner.list(prefix);
  }

  @Override
  public boolean delete(String key) throws IOException {
    return inner.delete(key);
  }

  @Override
  public void purge(String key) throws IOException {
    inner.purge(key);
  }

  @Override
  public Instant retainedUntil(String key) throws IOException {
    return inner.retainedUntil(key);
  }

  @Override
  public void extendRetention(String key, ObjectLock.Mode mode, Instant until) throws IOException {
    inner.extendRetention(key, mode, until);
  }

  @Override
  public ObjectLock objectLock() {
    return inner.objectLock();
  }

  @Override
  public int removeLeftovers(Instant olderThan) throws IOException {
    return inner.removeLeftovers(olderThan);
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
