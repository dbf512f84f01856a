package dev.arca.engine.storage;

import java.io.IOException;

/** Thrown by {@link Storage#create} when the key already holds an object. */
public class ObjectExistsException extends IOException {
  private static final long serialVersionUID = 1L;

  public ObjectExistsException(String key) {
    super("object already exists: " + key);
  }
}
