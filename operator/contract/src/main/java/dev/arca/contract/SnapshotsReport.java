package dev.arca.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What {@code arca snapshots --json} prints.
 *
 * @param snapshots the readable snapshots, oldest first
 * @param unreadable the snapshots that could not be read (exit code 3)
 */
public record SnapshotsReport(List<Entry> snapshots, List<Unreadable> unreadable) {

  /**
   * One snapshot.
   *
   * @param id its id
   * @param time when it was taken (RFC 3339)
   * @param mode {@code full} or {@code incremental}
   * @param paths the paths backed up
   * @param tags its tags
   * @param host its host
   * @param parent the snapshot it was made against, or null
   * @param files regular files in it
   * @param bytes their bytes
   * @param repairedFrom for a snapshot written by {@code arca repair snapshots}, the damaged one;
   *     absent otherwise
   * @param checkpoints the checkpoints it holds whole, by path (empty when it records none)
   */
  public record Entry(
      String id,
      String time,
      String mode,
      List<String> paths,
      Map<String, String> tags,
      String host,
      String parent,
      long files,
      long bytes,
      @JsonInclude(JsonInclude.Include.NON_NULL) String repairedFrom,
      List<Checkpoint> checkpoints) {}

  /**
   * A snapshot that could not be read.
   *
   * @param id its id
   * @param problem why
   */
  public record Unreadable(String id, String problem) {}
}
