package dev.arca.engine.storage;

import java.io.IOException;

/** Thrown when an object (or the requested range of it) is not in the store. */
public class ObjectMissingException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public ObjectMissingException(String key, String detail) {
    super(detail == null ? "object missing: " + key : "object " + key + ": " + detail);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
