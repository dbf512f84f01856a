package dev.arca.engine.format;

/** What a blob in a pack holds. Stored as one byte. */
public enum BlobType {
  /** File content. */
  DATA,
  /** A directory listing (a tree). */
  TREE;

  public byte code() {
    return (byte) ordinal();
  }

  public static BlobType of(byte code) {
    return switch (code) {
      case 0 -> DATA;
      case 1 -> TREE;
      default -> throw new IllegalArgumentException("unknown blob type " + code);
    };
  }
}
