package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** What the repository holds for one snapshot, as its backup Job reported it. */
@ValidationRule(value = "self == oldSelf", message = "Snapshot objects are read-only mirrors")
public class SnapshotSpec {
  /** The BackupPolicy that made the snapshot. */
  @JsonPropertyDescription("The BackupPolicy that made the snapshot.")
  @Required
  public String policy;

  /**
   * The uid of the BackupPolicy that made the snapshot: {@code latest} and {@code before} of a
   * RestoreRequest choose among the snapshots of the policy as it is now, not of an earlier one of
   * the same name. Absent on snapshots recorded before 0.2.
   */
  @JsonPropertyDescription(
      "The uid of the BackupPolicy that made the snapshot: latest and before of a RestoreRequest"
          + " choose among the snapshots of the policy as it is now, not of an earlier one of the"
          + " same name. Absent on snapshots recorded before 0.2.")
  public String policyUid;

  /** Snapshot id in the repository (64 hex digits). */
  @JsonPropertyDescription("Snapshot id in the repository (64 hex digits).")
  @Required
  public String snapshotId;

  /** When the backup started (RFC 3339). */
  @JsonPropertyDescription("When the backup started (RFC 3339).")
  public String time;

  /** full or incremental. */
  @JsonPropertyDescription("full or incremental.")
  public String mode;

  /** The backed-up volumes, by PVC name. */
  @JsonPropertyDescription("The backed-up volumes, by PVC name.")
  public List<String> pvcs;

  /** Files of database dumps in the snapshot (dump sources' paths). */
  @JsonPropertyDescription("Files of database dumps in the snapshot (dump sources' paths).")
  public List<String> dumps;

  /** Tags recorded on the snapshot. */
  @JsonPropertyDescription("Tags recorded on the snapshot.")
  public Map<String, String> tags;

  /** Files in the snapshot. */
  @JsonPropertyDescription("Files in the snapshot.")
  public Long files;

  /** Bytes of those files. */
  @JsonPropertyDescription("Bytes of those files.")
  public Long bytes;

  /** The bytes of the files as a readable size, for example 12.4 GiB. */
  @JsonPropertyDescription("The bytes of the files as a readable size, for example 12.4 GiB.")
  public String size;

  /** Bytes the backup added to the repository after compression and encryption. */
  @JsonPropertyDescription(
      "Bytes the backup added to the repository after compression and encryption.")
  public Long storedBytes;

  /**
   * The training checkpoints the snapshot holds whole, by path in the snapshot (the PVC's name
   * first) and step; the first {@value #CHECKPOINTS_LISTED} by path when it holds more (see
   * checkpointCount). Absent when the policy names no checkpoint folders.
   */
  @JsonPropertyDescription(
      "The training checkpoints the snapshot holds whole, by path in the snapshot (the PVC's name"
          + " first) and step; the first 100 by path when it holds more (see checkpointCount)."
          + " Absent when the policy names no checkpoint folders.")
  public List<CheckpointRef> checkpoints;

  /** How many training checkpoints the snapshot holds whole. */
  @JsonPropertyDescription("How many training checkpoints the snapshot holds whole.")
  public Long checkpointCount;

  /**
   * The SnapshotCatalog that imported this entry from its repository (a snapshot written elsewhere:
   * another cluster, or a copy); absent for the snapshots of this cluster's policies.
   */
  @JsonPropertyDescription(
      "The SnapshotCatalog that imported this entry from its repository (a snapshot written"
          + " elsewhere: another cluster, or a copy); absent for the snapshots of this cluster's"
          + " policies.")
  public String catalog;

  /** The most checkpoints a Snapshot object lists; the repository's snapshot lists them all. */
  public static final int CHECKPOINTS_LISTED = 100;

  /** A training checkpoint a snapshot holds. */
  public static class CheckpointRef {
    /** The checkpoint folder's path in the snapshot, the PVC's name first. */
    @JsonPropertyDescription("The checkpoint folder's path in the snapshot, the PVC's name first.")
    public String path;

    /** The last number in the folder's name (checkpoint-1200: 1200); absent when it has none. */
    @JsonPropertyDescription(
        "The last number in the folder's name (checkpoint-1200: 1200); absent when it has none.")
    public Long step;

    public CheckpointRef() {}

    public CheckpointRef(String path, Long step) {
      this.path = path;
      this.step = step;
    }
  }
}
