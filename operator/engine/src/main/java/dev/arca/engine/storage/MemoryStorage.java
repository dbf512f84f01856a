package dev.arca.engine.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** Objects in a map in memory: for tests and for fault-injection wrappers. */
public final class MemoryStorage implements Storage {
  private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
  private final Map<String, java.time.Instant> created =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    byte[] copy = Arrays.copyOfRange(data, offset, offset + length);
    if (objects.putIfAbsent(key, copy) != null) {
      throw new ObjectExistsException(key);
    }
    created.put(key, java.time.Instant.now());
  }

  @Override
  public byte[] read(String key) throws IOException {
    byte[] b = objects.get(key);
    if (b == null) {
      throw new ObjectMissingException(key, null);
    }
    return b.clone();
  }

  @Override
  public byte[] read(String key, long offset, int length) throws IOException {
    byte[] b = objects.get(key);
    if (b == null) {
      throw new ObjectMissingException(key, null);
    }
    if (offset < 0 || offset + length > b.length) {
      throw new ObjectMissingException(
          key, "range " + offset + "+" + length + " runs past its end (" + b.length + ")");
    }
    return Arrays.copyOfRange(b, (int) offset, (int) offset + length);
  }

  @Override
  public long size(String key) {
    byte[] b = objects.get(key);
    return b == null ? -1 : b.length;
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    List<ObjectInfo> out = new ArrayList<>();
    objects.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.add(new ObjectInfo(k, v.length, created.get(k)));
          }
        });
    return out;
  }

  @Override
  public boolean delete(String key) {
    objects.remove(key);
    created.remove(key);
    return true;
  }

  /** Replaces an object's bytes, bypassing the write-once rule: tests use it to damage a store. */
  public void tamper(String key, byte[] data) {
    objects.put(key, data.clone());
  }

  @Override
  public String describe() {
    return "memory:";
  }
}
