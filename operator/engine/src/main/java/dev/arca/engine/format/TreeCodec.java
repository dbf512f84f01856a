package dev.arca.engine.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads tree blobs with Jackson's streaming parser rather than data binding. A tree of a folder
 * with 50,000 files is parsed on every incremental backup and every restore, often before the JIT
 * has compiled anything; binding through reflection costs several times more there. The JSON is the
 * one {@link Tree} and {@link Node} define (written by data binding): fields may come in any order,
 * unknown fields (from newer versions) are skipped, missing ones take Java's defaults.
 */
public final class TreeCodec {
  private TreeCodec() {}

  /** Parses a tree blob's JSON. */
  public static Tree read(byte[] json) throws IOException {
    try (JsonParser p = ObjectCodec.JSON.getFactory().createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, p);
      List<Node> nodes = null;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        expect(t, JsonToken.FIELD_NAME, p);
        JsonToken value = p.nextToken();
        if ("nodes".equals(p.currentName()) && value == JsonToken.START_ARRAY) {
          nodes = new ArrayList<>();
          for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
            nodes.add(node(p, n));
          }
        } else {
          p.skipChildren(); // other fields, and "nodes": null
        }
      }
      return new Tree(nodes);
    }
  }

  private static Node node(JsonParser p, JsonToken start) throws IOException {
    expect(start, JsonToken.START_OBJECT, p);
    String name = null;
    String nameBytes = null;
    String type = null;
    int mode = 0;
    long mtime = 0;
    long ctime = 0;
    long inode = 0;
    int uid = 0;
    int gid = 0;
    long size = 0;
    String sha = null;
    List<String> chunks = null;
    String target = null;
    String subtree = null;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      expect(t, JsonToken.FIELD_NAME, p);
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "name" -> name = text(p, v);
        case "nameBytes" -> nameBytes = text(p, v);
        case "type" -> type = text(p, v);
        case "mode" -> mode = (int) number(p, v);
        case "mtimeNs" -> mtime = number(p, v);
        case "ctimeNs" -> ctime = number(p, v);
        case "inode" -> inode = number(p, v);
        case "uid" -> uid = (int) number(p, v);
        case "gid" -> gid = (int) number(p, v);
        case "size" -> size = number(p, v);
        case "sha256" -> sha = text(p, v);
        case "chunks" -> chunks = strings(p, v);
        case "target" -> target = text(p, v);
        case "subtree" -> subtree = text(p, v);
        default -> p.skipChildren();
      }
    }
    return new Node(
        name, nameBytes, type, mode, mtime, ctime, inode, uid, gid, size, sha, chunks, target,
        subtree);
  }

  private static String text(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(v, JsonToken.VALUE_STRING, p);
    return p.getText();
  }

  private static long number(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return 0;
    }
    expect(v, JsonToken.VALUE_NUMBER_INT, p);
    return p.getLongValue();
  }

  private static List<String> strings(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(v, JsonToken.START_ARRAY, p);
    List<String> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      out.add(text(p, t));
    }
    return out;
  }

  private static void expect(JsonToken got, JsonToken want, JsonParser p) throws IOException {
    if (got != want) {
      throw new com.fasterxml.jackson.core.JsonParseException(
          p, "expected " + want + " but found " + got);
    }
  }
}
