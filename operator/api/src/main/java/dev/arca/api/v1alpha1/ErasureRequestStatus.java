package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** How an ErasureRequest went. */
public class ErasureRequestStatus {
  /** Pending, Rewriting, Pruning, Succeeded or Failed. */
  @JsonPropertyDescription("Pending, Rewriting, Pruning, Succeeded or Failed.")
  public Phase phase;

  /** Complete: True once the erasure is done and confirmed, False with the reason. */
  @JsonPropertyDescription(
      "Complete: True once the erasure is done and confirmed, False with the reason.")
  public List<Condition> conditions = new ArrayList<>();

  /** Who asked for it (the arca.dev/requested-by annotation the chart's admission policy sets). */
  @JsonPropertyDescription(
      "Who asked for it (the arca.dev/requested-by annotation the chart's admission policy sets).")
  public String requestedBy;

  /** The Job running now (the rewrite, then the prune). */
  @JsonPropertyDescription("The Job running now (the rewrite, then the prune).")
  public String jobName;

  /** When the rewrite started (RFC 3339). */
  @JsonPropertyDescription("When the rewrite started (RFC 3339).")
  public String startTime;

  /** When the erasure ended (RFC 3339). */
  @JsonPropertyDescription("When the erasure ended (RFC 3339).")
  public String completionTime;

  /** Snapshots rewritten. */
  @JsonPropertyDescription("Snapshots rewritten.")
  public Long rewritten;

  /** Snapshots that held nothing to erase. */
  @JsonPropertyDescription("Snapshots that held nothing to erase.")
  public Long unchanged;

  /** Snapshots not rewritten because they are damaged (see the Job's log). */
  @JsonPropertyDescription("Snapshots not rewritten because they are damaged (see the Job's log).")
  public Long damaged;

  /** Paths removed (a folder counts once) and files filtered. */
  @JsonPropertyDescription("Paths removed (a folder counts once) and files filtered.")
  public Long removedPaths;

  /** Files filtered. */
  @JsonPropertyDescription("Files filtered.")
  public Long filteredFiles;

  /** The erasure's id in the repository (its erasure records and audit trail name it). */
  @JsonPropertyDescription(
      "The erasure's id in the repository (its erasure records and audit trail name it).")
  public String erasureId;

  /** Blobs only the erased data needed: prune removes them. */
  @JsonPropertyDescription("Blobs only the erased data needed: prune removes them.")
  public Long erasedBlobs;

  /**
   * Blobs of the erased data that data which stays needs too (the same bytes elsewhere): they stay.
   */
  @JsonPropertyDescription(
      "Blobs of the erased data that data which stays needs too (the same bytes elsewhere): they"
          + " stay.")
  public Long sharedBlobs;

  /** Of the erased blobs, those the prune confirmed gone from the store. */
  @JsonPropertyDescription("Of the erased blobs, those the prune confirmed gone from the store.")
  public Long goneBlobs;

  /** Every erased blob is confirmed gone. */
  @JsonPropertyDescription("Every erased blob is confirmed gone.")
  public Boolean complete;

  /** What happened, or why it failed. */
  @JsonPropertyDescription("What happened, or why it failed.")
  public String message;

  /** The steps of an erasure. */
  public enum Phase {
    Pending,
    Rewriting,
    Pruning,
    Succeeded,
    Failed
  }
}
