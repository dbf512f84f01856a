package dev.arca.engine.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What {@code lstat} says about a path: type, permission bits, owner, size, times and inode. Links
 * are never followed.
 */
public record SourceStat(
    Type type, int mode, int uid, int gid, long size, long mtimeNs, long ctimeNs, long inode) {

  /** File types; anything else (FIFO, socket, device) is {@link #SPECIAL} and not backed up. */
  public enum Type {
    FILE,
    DIR,
    SYMLINK,
    SPECIAL
  }

  private static final int S_IFMT = 0170000;
  // Only numeric attributes: "unix:*" would also resolve owner names, a passwd lookup per file.
  private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime,ctime,ino";

  public static SourceStat of(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    Type type =
        switch (mode & S_IFMT) {
          case 0100000 -> Type.FILE;
          case 0040000 -> Type.DIR;
          case 0120000 -> Type.SYMLINK;
          default -> Type.SPECIAL;
        };
    return new SourceStat(
        type,
        mode & 07777,
        (Integer) a.get("uid"),
        (Integer) a.get("gid"),
        (Long) a.get("size"),
        nanos((FileTime) a.get("lastModifiedTime")),
        nanos((FileTime) a.get("ctime")),
        (Long) a.get("ino"));
  }

  public static long nanos(FileTime t) {
    var i = t.toInstant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** Whether content may have changed between two looks at the same file. */
  public boolean sameContentAs(SourceStat o) {
    return size == o.size && mtimeNs == o.mtimeNs && ctimeNs == o.ctimeNs && inode == o.inode;
  }
}
