package dev.arca.engine.export;

import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * One file of a snapshot written to a stream, e.g. a database dump piped into {@code psql}. Every
 * chunk is located before the first byte is written (a missing chunk fails before the consumer sees
 * anything), every chunk is checked as it is read, and the whole file's SHA-256 at the end.
 */
public final class FileExport {
  private FileExport() {}

  /** The file node at {@code path} (slash-separated, relative) of the snapshot. */
  public static Node find(Repository repo, BlobIndex index, Snapshots.Ref snap, String path)
      throws IOException {
    String tree = snap.snapshot().tree();
    String[] segments = path.split("/");
    for (int i = 0; i < segments.length; i++) {
      Node found = null;
      for (Node n : repo.readTree(index, tree).nodes()) {
        if (segments[i].equals(n.fileName())) {
          found = n;
        }
      }
      boolean last = i == segments.length - 1;
      if (found == null || (!last && !found.isDir()) || (last && !found.isFile())) {
        throw ArcaException.usage(
            "snapshot "
                + snap.id().substring(0, 12)
                + " has no file '"
                + path
                + "'; arca ls --repo URL "
                + snap.id().substring(0, 12)
                + " lists its files");
      }
      if (last) {
        return found;
      }
      tree = found.subtree();
    }
    throw ArcaException.usage("empty path");
  }

  /** Writes the file to {@code out} (not closed); returns its size. */
  public static long write(
      Repository repo, BlobIndex index, String path, Node file, OutputStream out)
      throws IOException {
    long written = copy(repo, index, path, file, out, PIPED);
    out.flush();
    return written;
  }

  /** How a copy's problems are told: what the bytes are, and what each problem means. */
  record Wording(String content, String missing, String mismatch) {}

  static final Wording PIPED =
      new Wording(
          "content read", "nothing was written", "what was written is not the backed-up file");

  /**
   * Writes a file's chunks to {@code out} in order, every chunk located before the first byte and
   * checked as it is read, then the file's size and SHA-256 checked; returns its size.
   */
  static long copy(
      Repository repo, BlobIndex index, String path, Node file, OutputStream out, Wording w)
      throws IOException {
    List<BlobIndex.Location> locations = new ArrayList<>();
    for (String id : file.chunks() == null ? List.<String>of() : file.chunks()) {
      BlobIndex.Location l = Hex.isId(id) ? index.get(Hex.parse(id)) : null;
      if (l == null) {
        throw ArcaException.integrity(
            path + ": chunk " + id + " is missing from the repository; " + w.missing());
      }
      locations.add(l);
    }
    MessageDigest sha = ChunkIds.sha256();
    long written = 0;
    try (ChunkReader chunks = new ChunkReader(repo, locations)) {
      for (byte[] plain = chunks.next(); plain != null; plain = chunks.next()) {
        out.write(plain);
        sha.update(plain);
        written += plain.length;
      }
    }
    String digest = Hex.of(sha.digest());
    if (written != file.size() || !digest.equals(file.sha256())) {
      throw ArcaException.integrity(
          path
              + ": "
              + w.content()
              + " has SHA-256 "
              + digest
              + " but the snapshot recorded "
              + file.sha256()
              + "; "
              + w.mismatch());
    }
    return written;
  }
}
