package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A database dump taken by a command in the database's pod (pg_dump, mysqldump); its output is
 * stored as the file {@code path} of the snapshot, next to the volumes. A command that exits with a
 * non-zero status fails the backup, and nothing is saved.
 */
public class DumpSource extends PodCommand {
  /**
   * Path of the dump's file in the snapshot: FOLDER/FILE, for example db/app.sql; the folder must
   * not be named like a PVC source. No control characters (a command line cannot carry them).
   */
  @JsonPropertyDescription(
      "Path of the dump's file in the snapshot: FOLDER/FILE, for example db/app.sql; the folder"
          + " must not be named like a PVC source. No control characters (a command line cannot"
          + " carry them).")
  @Required
  @Pattern("^[^/\\x00-\\x1f\\x7f]+(/[^/\\x00-\\x1f\\x7f]+)+$")
  public String path;
}
