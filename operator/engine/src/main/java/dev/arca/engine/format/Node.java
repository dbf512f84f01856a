package dev.arca.engine.format;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One entry of a directory listing. Only the record's components are written, in the order below:
 * the type tests are not fields (Jackson would write them as bean properties, in an order that
 * varies with how the JVM lists methods, and equal folders would get different tree ids).
 *
 * @param name the entry's name when it is valid UTF-8 (else null): never empty, ".", ".." or
 *     containing '/' or NUL
 * @param nameBytes the name's bytes in lower-case hex when it is not valid UTF-8 (else null): Linux
 *     allows such names, and they are kept byte for byte; see {@link #fileName()}
 * @param type {@code file}, {@code dir} or {@code symlink}
 * @param mode permission bits (including setuid, setgid, sticky)
 * @param mtimeNs modification time, nanoseconds since the epoch
 * @param ctimeNs status change time, nanoseconds since the epoch (change detection only)
 * @param inode inode number (change detection only)
 * @param uid owner user id
 * @param gid owner group id
 * @param size file size in bytes
 * @param sha256 the whole file's SHA-256, hex (files)
 * @param chunks the file's chunk ids in order, hex (files)
 * @param target the link target (symlinks)
 * @param subtree the id of the directory's own tree blob (dirs)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "name",
  "nameBytes",
  "type",
  "mode",
  "mtimeNs",
  "ctimeNs",
  "inode",
  "uid",
  "gid",
  "size",
  "sha256",
  "chunks",
  "target",
  "subtree"
})
public record Node(
    @JsonProperty("name") String name,
    @JsonProperty("nameBytes") String nameBytes,
    @JsonProperty("type") String type,
    @JsonProperty("mode") int mode,
    @JsonProperty("mtimeNs") long mtimeNs,
    @JsonProperty("ctimeNs") long ctimeNs,
    @JsonProperty("inode") long inode,
    @JsonProperty("uid") int uid,
    @JsonProperty("gid") int gid,
    @JsonProperty("size") long size,
    @JsonProperty("sha256") String sha256,
    @JsonProperty("chunks") List<String> chunks,
    @JsonProperty("target") String target,
    @JsonProperty("subtree") String subtree) {

  /** An entry whose name is valid UTF-8 (every entry written before nameBytes existed). */
  public Node(
      String name,
      String type,
      int mode,
      long mtimeNs,
      long ctimeNs,
      long inode,
      int uid,
      int gid,
      long size,
      String sha256,
      List<String> chunks,
      String target,
      String subtree) {
    this(
        name, null, type, mode, mtimeNs, ctimeNs, inode, uid, gid, size, sha256, chunks, target,
        subtree);
  }

  public static final String FILE = "file";
  public static final String DIR = "dir";
  public static final String SYMLINK = "symlink";

  @JsonIgnore
  public boolean isFile() {
    return FILE.equals(type);
  }

  @JsonIgnore
  public boolean isDir() {
    return DIR.equals(type);
  }

  @JsonIgnore
  public boolean isSymlink() {
    return SYMLINK.equals(type);
  }

  /** This file entry with other content: size, whole-file SHA-256 and chunk ids. */
  public Node withContent(long size, String sha256, List<String> chunks) {
    return new Node(
        name, nameBytes, type, mode, mtimeNs, ctimeNs, inode, uid, gid, size, sha256, chunks,
        target, subtree);
  }

  public Node withSubtree(String id) {
    return new Node(
        name, nameBytes, type, mode, mtimeNs, ctimeNs, inode, uid, gid, size, sha256, chunks,
        target, id);
  }

  /**
   * This entry under the name {@code fileName} (a {@link FileName} string): in {@code name} when it
   * is valid UTF-8, as bytes in {@code nameBytes} otherwise, so each name has one spelling.
   */
  public Node withFileName(String fileName) {
    boolean utf8 = FileName.isUtf8(fileName);
    return new Node(
        utf8 ? fileName : null,
        utf8 ? null : Hex.of(FileName.encode(fileName)),
        type,
        mode,
        mtimeNs,
        ctimeNs,
        inode,
        uid,
        gid,
        size,
        sha256,
        chunks,
        target,
        subtree);
  }

  /**
   * The name as one {@link FileName} string, however it is stored: what paths are joined, sorted,
   * compared and selected by. Null when it cannot be one (neither field set, both set, or {@code
   * nameBytes} not hex of at most {@link Limits#MAX_PATH} bytes); the name rules refuse those
   * entries.
   */
  public String fileName() {
    if (nameBytes == null) {
      return name;
    }
    if (name != null || nameBytes.length() > 2 * Limits.MAX_PATH || !Hex.isHex(nameBytes)) {
      return null;
    }
    return FileName.decode(java.util.HexFormat.of().parseHex(nameBytes));
  }
}
