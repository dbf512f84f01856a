package dev.arca.engine.restore;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.TreeWalk;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A walk of a snapshot down to one checkpoint folder and through it, for {@link CheckpointCheck}:
 * collects the chunks of the files in it (each with the first file that needs it), every one of
 * which must be indexed and add up to its file's size, and the first problem met on the way
 * (listings that cannot be read, entries the name rules refuse, no folder there at all). The
 * listings it reads are checked as every tree is read: decrypted and compared with their ids.
 */
final class CheckpointFolder implements TreeWalk.Visitor {
  private final String path;
  private final BlobIndex index;
  private final Map<String, String> chunks = new LinkedHashMap<>();
  private boolean found;
  private String problem;

  CheckpointFolder(String path, BlobIndex index) {
    this.path = path;
    this.index = index;
  }

  /** The first problem met, or null; call after the walk. */
  String problem() {
    return problem != null || found
        ? problem
        : "the snapshot records it, but its trees hold no folder there";
  }

  /** The chunks of the files in the folder, in walk order, each with the first file needing it. */
  Map<String, String> chunks() {
    return chunks;
  }

  @Override
  public boolean enter(String at, Node n) {
    if (problem != null) {
      return false;
    }
    if (!at.equals(path) && !at.startsWith(path + "/")) {
      return n.isDir() && path.startsWith(at + "/"); // a folder on the way down
    }
    found |= at.equals(path) && n.isDir();
    if (n.isFile()) {
      file(at, n);
    }
    return n.isDir();
  }

  /** Takes a file's chunks, which must all be indexed and add up to its size. */
  private void file(String at, Node n) {
    long size = 0;
    for (String id : n.chunks() == null ? List.<String>of() : n.chunks()) {
      BlobIndex.Location loc = Hex.isId(id) ? index.get(Hex.parse(id)) : null;
      if (loc == null) {
        problem =
            FileName.display(at)
                + (Hex.isId(id)
                    ? ": chunk " + id + " is missing from the repository"
                    : ": its tree names a chunk by an id that is not one");
        return;
      }
      chunks.putIfAbsent(id, at);
      size += loc.rawLength();
    }
    if (size != n.size()) {
      problem =
          FileName.display(at)
              + ": its chunks add up to "
              + size
              + " bytes but the file has "
              + n.size();
    }
  }

  @Override
  public void refused(String folder, String why) {
    if (problem == null) {
      problem = (folder.isEmpty() ? "/" : FileName.display(folder)) + ": " + why;
    }
  }

  @Override
  public void unreadable(String folder, Exception e) {
    if (problem == null) {
      problem =
          (folder.isEmpty() ? "/" : FileName.display(folder))
              + ": folder listing unreadable: "
              + e.getMessage();
    }
  }
}
