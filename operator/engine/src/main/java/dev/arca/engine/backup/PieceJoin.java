package dev.arca.engine.backup;

import dev.arca.engine.format.FileName;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Part;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The commit's join of files cut into pieces (FORMAT.md, "Parts"). Each part's tree holds its piece
 * as a file node of the piece's bytes; the part object lists the piece, and piece 0's part the
 * whole file's SHA-256 and the SHA-256 of every piece as it read them. The pieces join into one
 * file node (piece 0's metadata, the file's size and SHA-256, the chunks in order) only when they
 * are all there, tile the file from 0 to its size, and each holds the bytes piece 0's part read
 * there. Otherwise the file changed while the parts read it: it is left out and named, and the
 * counts of what the parts stored of it are taken back.
 */
final class PieceJoin {
  private final Map<Integer, Map<String, Part.Piece>> byPart = new HashMap<>();
  private final Set<String> listed = new TreeSet<>();
  private final Set<String> met = new HashSet<>();
  private final List<String> leftOut = new ArrayList<>();
  private long extraFiles;
  private long droppedFiles;
  private long droppedBytes;

  /** The pieces the parts list, by part number. */
  PieceJoin(Map<Integer, List<Part.Piece>> pieces) {
    pieces.forEach(
        (part, list) -> {
          Map<String, Part.Piece> m = new HashMap<>();
          for (Part.Piece p : list) {
            m.put(p.path(), p);
            listed.add(p.path());
          }
          byPart.put(part, m);
        });
  }

  /** Whether any of {@code parts} lists a piece of the file at {@code path}. */
  boolean cut(String path, List<Integer> parts) {
    for (int part : parts) {
      if (byPart.getOrDefault(part, Map.of()).containsKey(path)) {
        return true;
      }
    }
    return false;
  }

  /** The file at {@code path} joined from the nodes the parts {@code parts} hold, or null. */
  Node join(String path, List<Node> nodes, List<Integer> parts) {
    met.add(path);
    Part.Piece[] got = null;
    Node[] node = null;
    String why = null;
    for (int i = 0; i < nodes.size() && why == null; i++) {
      Part.Piece p = byPart.getOrDefault(parts.get(i), Map.of()).get(path);
      if (p == null || !nodes.get(i).isFile()) {
        why = "part " + parts.get(i) + " holds it whole while others hold pieces";
      } else if (got == null) {
        got = new Part.Piece[p.of()];
        node = new Node[p.of()];
      }
      if (why == null && (p.of() != got.length || got[p.piece()] != null)) {
        why = "the parts cut it differently";
      } else if (why == null) {
        got[p.piece()] = p;
        node[p.piece()] = nodes.get(i);
      }
    }
    if (why == null) {
      why = check(got, node);
    }
    if (why != null) {
      leftOut.add(
          FileName.display(path)
              + ": changed while the run's parts read it ("
              + why
              + "); not in this snapshot, the next backup reads it again");
      droppedFiles += nodes.size();
      for (Node n : nodes) {
        droppedBytes += n.isFile() ? n.size() : 0;
      }
      return null;
    }
    List<String> chunks = new ArrayList<>();
    for (Node n : node) {
      chunks.addAll(n.chunks());
    }
    extraFiles += got.length - 1;
    return node[0].withContent(got[0].size(), got[0].sha256(), chunks);
  }

  /** Why the pieces do not join into the file piece 0's part read, or null. */
  private static String check(Part.Piece[] got, Node[] node) {
    for (int k = 0; k < got.length; k++) {
      if (got[k] == null) {
        return "piece " + k + " of " + got.length + " is missing";
      }
    }
    Part.Piece head = got[0];
    long at = 0;
    for (int k = 0; k < got.length; k++) {
      Node n = node[k];
      if (got[k].size() != head.size()) {
        return "its parts saw sizes " + head.size() + " and " + got[k].size();
      }
      if (got[k].offset() != at || n.size() < 0 || n.chunks() == null || n.sha256() == null) {
        return "piece " + k + " does not start where piece " + (k - 1) + " ends";
      }
      if (!n.sha256().equals(head.pieceSha256().get(k))) {
        return "piece " + k + " holds other bytes than piece 0's part read there";
      }
      at += n.size();
    }
    return at == head.size() ? null : "its pieces hold " + at + " of its " + head.size() + " bytes";
  }

  /** Files left out, one line each naming the file and why; pieces listed but in no part's tree. */
  List<String> leftOut() {
    List<String> out = new ArrayList<>(leftOut);
    for (String path : listed) {
      if (!met.contains(path)) {
        out.add(
            FileName.display(path)
                + ": the parts list pieces of it but their trees do not hold it; not in this"
                + " snapshot");
      }
    }
    return out;
  }

  /** Files the parts counted more than the snapshot holds: pieces joined or left out. */
  long extraFiles() {
    return extraFiles + droppedFiles;
  }

  /** Bytes the parts counted of files left out. */
  long droppedBytes() {
    return droppedBytes;
  }
}
