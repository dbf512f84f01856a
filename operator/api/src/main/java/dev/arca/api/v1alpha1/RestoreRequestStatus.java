package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** How a RestoreRequest went. */
public class RestoreRequestStatus {
  /** Pending, Running, Succeeded or Failed. */
  @JsonPropertyDescription("Pending, Running, Succeeded or Failed.")
  public Phase phase;

  /** The spec generation this status describes. */
  @JsonPropertyDescription("The spec generation this status describes.")
  public Long observedGeneration;

  /** Ready (the request is valid) and Complete. */
  @JsonPropertyDescription("Ready (the request is valid) and Complete.")
  public List<Condition> conditions = new ArrayList<>();

  /** The snapshot id the request resolved to. */
  @JsonPropertyDescription("The snapshot id the request resolved to.")
  public String snapshotId;

  /** The restore Job. */
  @JsonPropertyDescription("The restore Job.")
  public String jobName;

  /** When the Job started (RFC 3339). */
  @JsonPropertyDescription("When the Job started (RFC 3339).")
  public String startTime;

  /** When the Job finished (RFC 3339). */
  @JsonPropertyDescription("When the Job finished (RFC 3339).")
  public String completionTime;

  /** Files restored or found already correct. */
  @JsonPropertyDescription("Files restored or found already correct.")
  public Long files;

  /** Bytes of those files. */
  @JsonPropertyDescription("Bytes of those files.")
  public Long bytes;

  /** Files left as they were. */
  @JsonPropertyDescription("Files left as they were.")
  public Long skippedFiles;

  /** Progress of the running restore. */
  @JsonPropertyDescription("Progress of the running restore.")
  public Progress progress;

  /** A human-readable summary, or what went wrong. */
  @JsonPropertyDescription("A human-readable summary, or what went wrong.")
  public String message;

  /** Phases of a restore. */
  public enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed
  }
}
