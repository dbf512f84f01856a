package dev.arca.engine.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A training checkpoint a snapshot holds whole: an entry of the snapshot's {@code checkpoints}
 * (FORMAT.md, "Checkpoints").
 *
 * @param path the checkpoint folder's path in the snapshot (names joined by '/', the source's root
 *     name first: {@code train/runs/a/checkpoint-1200})
 * @param step the last run of digits in the folder's name, or null when it has none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Checkpoint(@JsonProperty("path") String path, @JsonProperty("step") Long step) {
  /** Why {@code path} cannot be an entry's path, or null when it can. */
  public static String pathProblem(String path) {
    if (path == null || path.isEmpty()) {
      return "has no path";
    }
    if (!FileName.isUtf8(path)) {
      return "has a path that is not valid Unicode";
    }
    if (FileName.byteLength(path) > Limits.MAX_PATH) {
      return "has a path longer than " + Limits.MAX_PATH + " bytes";
    }
    for (String name : path.split("/", -1)) {
      if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
        return "has a path with an empty, '.', '..' or NUL name: " + FileName.display(path);
      }
    }
    return null;
  }
}
