package dev.arca.engine.fs;

import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** The SHA-256 of a file on disk, hex: what restores are checked against. */
public final class FileHash {
  private FileHash() {}

  public static String sha256(Path p) throws IOException {
    MessageDigest md = ChunkIds.sha256();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(p)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return Hex.of(md.digest());
  }
}
