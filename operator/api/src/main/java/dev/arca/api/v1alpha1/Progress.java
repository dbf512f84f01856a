package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Progress of a running Job, read from the JSON progress lines of its pod. */
public class Progress {
  /** Bytes processed so far. */
  @JsonPropertyDescription("Bytes processed so far.")
  public Long bytesDone;

  /** Bytes to process in all, once known. */
  @JsonPropertyDescription("Bytes to process in all, once known.")
  public Long bytesTotal;

  /** Files finished so far. */
  @JsonPropertyDescription("Files finished so far.")
  public Long filesDone;

  /** Percentage done, 0 to 100. */
  @JsonPropertyDescription("Percentage done, 0 to 100.")
  public Integer percent;

  /** Estimated seconds left. */
  @JsonPropertyDescription("Estimated seconds left.")
  public Long etaSeconds;

  /**
   * When bytesDone or filesDone last grew (RFC 3339): a run whose progress stays put longer than
   * its stallTimeoutSeconds is given up.
   */
  @JsonPropertyDescription(
      "When bytesDone or filesDone last grew (RFC 3339): a run whose progress stays put longer"
          + " than its stallTimeoutSeconds is given up.")
  public String advancedAt;

  /** When this progress was read (RFC 3339). */
  @JsonPropertyDescription("When this progress was read (RFC 3339).")
  public String updatedAt;
}
