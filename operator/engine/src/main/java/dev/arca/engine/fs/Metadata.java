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
  private static final int[] OWNER = processOwner();
  private static final boolean ROOT = OWNER[0] == 0;

  private Metadata() {}

  /** This process's user and group ids (what files it creates belong to). */
  public static int[] processIds() {
    return OWNER.clone();
  }

  /**
   * Whether {@code dir} is a mount point (its file system differs from its parent's) that this
   * process does not own and is not root: a volume whose owner and mode belong to the volume (for
   * example a PVC's root with the pod's fsGroup), which a restore cannot set and need not.
   */
  public static boolean isForeignMountPoint(Path dir) {
    try {
      Path parent = dir.toAbsolutePath().getParent();
      if (ROOT || parent == null) {
        return false;
      }
      Object dev = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      Object parentDev = Files.getAttribute(parent, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      return !dev.equals(parentDev) && uid != OWNER[0];
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether this process may restore owners (runs as root). */
  public static boolean canRestoreOwners() {
    return ROOT;
  }

  /**
   * Permissions to create a file with so that it already has the node's mode, or null when that
   * cannot be done at creation (special bits, or bits the process umask would clear).
   */
  public static java.nio.file.attribute.FileAttribute<?> creationMode(Node n) {
    int mode = n.mode();
    if (UMASK < 0 || (mode & 07000) != 0 || (mode & UMASK) != 0) {
      return null;
    }
    return java.nio.file.attribute.PosixFilePermissions.asFileAttribute(permissions(mode));
  }

  public static void apply(Path p, Node n) throws IOException {
    apply(p, n, false);
  }

  /** Applies metadata; {@code modeSet} when the file was created with {@link #creationMode}. */
  public static void apply(Path p, Node n, boolean modeSet) throws IOException {
    // New files belong to this process already: chown only when the snapshot says otherwise.
    if (ROOT && n.uid() != OWNER[0]) {
      Files.setAttribute(p, "unix:uid", n.uid(), LinkOption.NOFOLLOW_LINKS);
    }
    if (ROOT && n.gid() != OWNER[1]) {
      Files.setAttribute(p, "unix:gid", n.gid(), LinkOption.NOFOLLOW_LINKS);
    }
    boolean chowned = ROOT && (n.uid() != OWNER[0] || n.gid() != OWNER[1]);
    if (!n.isSymlink() && (!modeSet || chowned)) {
      // chmod after chown: chown clears setuid/setgid bits.
      Files.setAttribute(p, "unix:mode", n.mode() & 07777);
    }
    FileTime mtime =
        FileTime.from(
            Instant.ofEpochSecond(
                Math.floorDiv(n.mtimeNs(), 1_000_000_000L),
                Math.floorMod(n.mtimeNs(), 1_000_000_000L)));
    if (n.isSymlink()) {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(mtime, null, null);
    } else {
      // The restore created this file or folder itself (never a link): one utimensat call.
      Files.setLastModifiedTime(p, mtime);
    }
  }

  private static final int UMASK = detectUmask();

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(bits[i]);
      }
    }
    return out;
  }

  /** The process umask, found by creating a file that asks for every permission; -1 if unknown. */
  private static int detectUmask() {
    Path probe = null;
    try {
      probe =
          Files.createTempFile(
              "arca-umask",
              ".probe",
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(permissions(0777)));
      return 0777 & ~((Integer) Files.getAttribute(probe, "unix:mode") & 0777);
    } catch (IOException | RuntimeException e) {
      return -1;
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException ignored) {
          // a leftover probe in the temp folder is harmless
        }
      }
    }
  }

  private static int[] processOwner() {
    try {
      Path probe = Path.of("/proc/self");
      return new int[] {
        (Integer) Files.getAttribute(probe, "unix:uid"),
        (Integer) Files.getAttribute(probe, "unix:gid")
      };
    } catch (IOException | RuntimeException e) {
      return new int[] {-1, -1};
    }
  }
}
