package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What an ErasureRequest erases, and from which policy's snapshots. */
@ValidationRule(
    value =
        "(has(self.exclude) && size(self.exclude) > 0) || (has(self.filters) && size(self.filters) > 0)",
    message = "give the paths to remove (exclude) or the dumps to filter (filters)")
@ValidationRule(
    value = "self == oldSelf",
    message = "an ErasureRequest cannot be changed; create a new one")
public class ErasureRequestSpec {
  /**
   * The BackupPolicy of this namespace whose snapshots to rewrite (every snapshot it wrote, also
   * those of an earlier policy of the same name), in its repository.
   */
  @JsonPropertyDescription(
      "The BackupPolicy of this namespace whose snapshots to rewrite (every snapshot it wrote,"
          + " also those of an earlier policy of the same name), in its repository.")
  @Required
  public RestoreRequestSpec.PolicyRef policyRef;

  /**
   * Globs of the paths to remove, over paths in the snapshot, which start with the PVC's name (as
   * arca ls shows them): data/users/42 removes that folder of the PVC data; a glob without / (for
   * example feedback-42.jsonl) matches a name at any depth.
   */
  @JsonPropertyDescription(
      "Globs of the paths to remove, over paths in the snapshot, which start with the PVC's name"
          + " (as arca ls shows them): data/users/42 removes that folder of the PVC data; a glob"
          + " without / (for example feedback-42.jsonl) matches a name at any depth.")
  @Size(max = 100)
  public List<@Size(min = 1, max = 4096) String> exclude;

  /**
   * Stored files (dumps) to rewrite through a command that drops the person's rows: the file's
   * stored bytes go to its stdin, its stdout is stored as the new content.
   */
  @JsonPropertyDescription(
      "Stored files (dumps) to rewrite through a command that drops the person's rows: the file's"
          + " stored bytes go to its stdin, its stdout is stored as the new content.")
  @Size(max = 20)
  public List<Filter> filters;

  /**
   * Keep the original snapshots beside their rewrites: nothing is erased until they are forgotten
   * (to check a rewrite first). Default false.
   */
  @JsonPropertyDescription(
      "Keep the original snapshots beside their rewrites: nothing is erased until they are"
          + " forgotten (to check a rewrite first). Default false.")
  public Boolean keepOriginals;

  /**
   * After the rewrite, run arca prune without a grace period, which removes what only the erased
   * data needed and reports it gone (running backups keep what they may need; a later prune
   * finishes). Default true; with false the policy's own prune does it.
   */
  @JsonPropertyDescription(
      "After the rewrite, run arca prune without a grace period, which removes what only the"
          + " erased data needed and reports it gone (running backups keep what they may need; a"
          + " later prune finishes). Default true; with false the policy's own prune does it.")
  public Boolean prune;

  /** Settings of the Jobs. */
  @JsonPropertyDescription("Settings of the Jobs.")
  public JobOverrides job;

  /** One stored file rewritten through a command. */
  public static class Filter {
    /** Path of the file in the snapshot, for example a dump's db/app.sql. */
    @JsonPropertyDescription("Path of the file in the snapshot, for example a dump's db/app.sql.")
    @Required
    @Pattern("^[^/\\x00-\\x1f\\x7f]+(/[^/\\x00-\\x1f\\x7f]+)*$")
    public String path;

    /**
     * Shell command (sh -c) run in the erasure Job's container (the arca image: sh, awk, sed,
     * grep); it gets none of Arca's secrets. A command that exits non-zero changes nothing.
     */
    @JsonPropertyDescription(
        "Shell command (sh -c) run in the erasure Job's container (the arca image: sh, awk, sed,"
            + " grep); it gets none of Arca's secrets. A command that exits non-zero changes"
            + " nothing.")
    @Required
    @Size(min = 1, max = 8192)
    public String command;
  }
}
