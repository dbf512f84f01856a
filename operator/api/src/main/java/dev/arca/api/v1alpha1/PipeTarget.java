package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A file of the snapshot (a database dump) written into the stdin of a command in a running pod,
 * for example psql. Every chunk and the file's SHA-256 are checked; the command's exit status
 * decides the request's outcome.
 */
public class PipeTarget extends PodCommand {
  /** Path of the file in the snapshot, for example db/app.sql (no control characters). */
  @JsonPropertyDescription(
      "Path of the file in the snapshot, for example db/app.sql (no control characters).")
  @Required
  @Pattern("^[^/\\x00-\\x1f\\x7f]+(/[^/\\x00-\\x1f\\x7f]+)*$")
  public String path;
}
