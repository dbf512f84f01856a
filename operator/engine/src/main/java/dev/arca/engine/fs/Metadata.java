package dev.arca.engine.fs;

import dev.arca.engine.format.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/** Applies a node's owner, mode bits and mtime to a restored path, never following links. */
public final class Metadata {
  private static final boolean ROOT = isRoot();

  private Metadata() {}

  /** Whether this process may restore owners (runs as root). */
  public static boolean canRestoreOwners() {
    return ROOT;
  }

  public static void apply(Path p, Node n) throws IOException {
    if (ROOT) {
      Files.setAttribute(p, "unix:uid", n.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", n.gid(), LinkOption.NOFOLLOW_LINKS);
    }
    if (!n.isSymlink()) {
      // chmod after chown: chown clears setuid/setgid bits.
      Files.setAttribute(p, "unix:mode", n.mode() & 07777);
    }
    FileTime mtime =
        FileTime.from(
            Instant.ofEpochSecond(
                Math.floorDiv(n.mtimeNs(), 1_000_000_000L),
                Math.floorMod(n.mtimeNs(), 1_000_000_000L)));
    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(mtime, null, null);
  }

  /** Permission bits as a set, for files created before their mode is applied. */
  public static Set<PosixFilePermission> ownerOnly() {
    return EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  private static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
