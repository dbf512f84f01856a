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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Part(
    @JsonProperty("run") String run,
    @JsonProperty("part") int part,
    @JsonProperty("parts") int parts,
    @JsonProperty("plan") String plan,
    @JsonProperty("snapshot") Snapshot snapshot,
    @JsonProperty("unreadable") List<String> unreadable) {

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
    return null;
  }
}
