package dev.arca.engine.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A part object ({@code parts/<sha256>}): what one of the parallel Jobs of a backup run stored,
 * waiting for the commit that joins the run's parts into one snapshot (FORMAT.md, "Parts").
 *
 * @param run the run's id, shared by its parts and named by its commit
 * @param part this part's number, 0 to {@code parts - 1}
 * @param parts how many parts the run has
 * @param plan the hex SHA-256 of the split plan the part followed (parts that split one file set);
 *     null for a part that backed up sources of its own
 * @param snapshot what the part stored, as a snapshot would say it: its root tree holds only the
 *     part's entries; {@code paths} are the sources of the whole run
 * @param unreadable the entries the part could not read (each also warned about when it ran)
 * @param pieces the pieces of files cut into byte ranges that the part stored: its tree holds each
 *     as a file node of the piece's bytes alone (absent when none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Part(
    @JsonProperty("run") String run,
    @JsonProperty("part") int part,
    @JsonProperty("parts") int parts,
    @JsonProperty("plan") String plan,
    @JsonProperty("snapshot") Snapshot snapshot,
    @JsonProperty("unreadable") List<String> unreadable,
    @JsonProperty("pieces") List<Piece> pieces) {

  /** A part without pieces. */
  public Part(
      String run, int part, int parts, String plan, Snapshot snapshot, List<String> unreadable) {
    this(run, part, parts, plan, snapshot, unreadable, null);
  }

  /**
   * One piece of a file cut into byte ranges (FORMAT.md, "Parts"): the part's tree holds, at {@code
   * path}, a file node of the bytes {@code [offset, offset + node size)} alone.
   *
   * @param path the file's path in the snapshot
   * @param piece this piece's number, 0 to {@code of - 1}
   * @param of how many pieces the file is cut into, 2 to the run's part count
   * @param offset where the piece starts in the file
   * @param size the whole file's size as the part saw it
   * @param sha256 piece 0 only: the SHA-256 of the whole file, which that part reads to its end
   * @param pieceSha256 piece 0 only: the SHA-256 of every piece's bytes as that part read them, in
   *     order; the commit joins the pieces only if each other part read the same bytes
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Piece(
      @JsonProperty("path") String path,
      @JsonProperty("piece") int piece,
      @JsonProperty("of") int of,
      @JsonProperty("offset") long offset,
      @JsonProperty("size") long size,
      @JsonProperty("sha256") String sha256,
      @JsonProperty("pieceSha256") List<String> pieceSha256) {

    /** What makes this entry unusable, or null. */
    String problem(int parts) {
      if (path == null || path.isEmpty() || path.length() > Limits.MAX_PATH) {
        return "a piece's path is missing or longer than " + Limits.MAX_PATH;
      }
      if (of < 2 || of > parts || piece < 0 || piece >= of) {
        return "a piece of " + FileName.display(path) + " is not i of n with 0 <= i < n <= parts";
      }
      if (offset < 0 || size < 0 || offset > size) {
        return "a piece of " + FileName.display(path) + " lies outside its file";
      }
      boolean hashes = piece == 0;
      if (hashes != (sha256 != null) || hashes != (pieceSha256 != null)) {
        return "piece " + piece + " of " + FileName.display(path) + " has hashes only piece 0 has";
      }
      if (hashes
          && (!Hex.isId(sha256)
              || pieceSha256.size() != of
              || !pieceSha256.stream().allMatch(Hex::isId))) {
        return "the hashes of " + FileName.display(path) + " are not " + of + " SHA-256s in hex";
      }
      return null;
    }
  }

  public static final String PREFIX = "parts/";

  /** The most parts a run may have. */
  public static final int MAX_PARTS = 256;

  /** The most unreadable entries a part object lists (the rest are counted in the last one). */
  public static final int MAX_UNREADABLE = 10_000;

  /** The longest an entry of {@code unreadable} may be, in characters. */
  public static final int MAX_UNREADABLE_CHARS = 8192;

  /** A run id: what the operator and the CLI write, and nothing that needs escaping anywhere. */
  private static final Pattern RUN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** Whether {@code run} is a valid run id. */
  public static boolean validRun(String run) {
    return run != null && RUN.matcher(run).matches();
  }

  /** What makes this part object unusable (its snapshot's own checks apart), or null. */
  public String problem() {
    if (!validRun(run)) {
      return "its run id is missing or not [A-Za-z0-9._-], 1 to 128 characters";
    }
    if (parts < 1 || parts > MAX_PARTS) {
      return "its part count " + parts + " is not 1 to " + MAX_PARTS;
    }
    if (part < 0 || part >= parts) {
      return "its part number " + part + " is not 0 to " + (parts - 1);
    }
    if (plan != null && !Hex.isId(plan)) {
      return "its plan is not a SHA-256 in hex";
    }
    if (snapshot == null || snapshot.paths() == null || snapshot.stats() == null) {
      return "it holds no snapshot with paths and stats";
    }
    if (unreadable != null && unreadable.size() > MAX_UNREADABLE) {
      return "it lists more than " + MAX_UNREADABLE + " unreadable entries";
    }
    if (unreadable != null
        && unreadable.stream().anyMatch(u -> u == null || u.length() > MAX_UNREADABLE_CHARS)) {
      return "an unreadable entry is missing or longer than " + MAX_UNREADABLE_CHARS;
    }
    if (pieces != null && pieces.size() > MAX_PARTS) {
      return "it lists more than " + MAX_PARTS + " pieces";
    }
    if (pieces != null) {
      java.util.Set<String> paths = new java.util.HashSet<>();
      for (Piece p : pieces) {
        String why = p == null ? "a piece is missing" : p.problem(parts);
        if (why == null && !paths.add(p.path())) {
          why = "it holds two pieces of " + FileName.display(p.path());
        }
        if (why != null) {
          return why;
        }
      }
    }
    return null;
  }
}
