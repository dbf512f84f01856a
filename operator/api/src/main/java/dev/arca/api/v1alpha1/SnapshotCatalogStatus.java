package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What a SnapshotCatalog's last import found. */
public class SnapshotCatalogStatus {
  /** The generation of the spec the last import read. */
  @JsonPropertyDescription("The generation of the spec the last import read.")
  public Long observedGeneration;

  /**
   * Ready: True once an import succeeded and the Snapshot objects match the repository; False with
   * the reason (a missing Secret, a refused owner, a failed import).
   */
  @JsonPropertyDescription(
      "Ready: True once an import succeeded and the Snapshot objects match the repository; False"
          + " with the reason (a missing Secret, a refused owner, a failed import).")
  public List<Condition> conditions = new ArrayList<>();

  /** The import Job running now, if any. */
  @JsonPropertyDescription("The import Job running now, if any.")
  public String activeJob;

  /** When the last import succeeded (RFC 3339). */
  @JsonPropertyDescription("When the last import succeeded (RFC 3339).")
  public String lastImportTime;

  /** The last scheduled import time that was handled (RFC 3339). */
  @JsonPropertyDescription("The last scheduled import time that was handled (RFC 3339).")
  public String lastScheduleTime;

  /** The value of arca.dev/run-now the last import answered. */
  @JsonPropertyDescription("The value of arca.dev/run-now the last import answered.")
  public String lastRunNowRequest;

  /** Snapshots the catalog holds: one Snapshot object each. */
  @JsonPropertyDescription("Snapshots the catalog holds: one Snapshot object each.")
  public Long snapshots;

  /** Snapshots of the repository that could not be read (see the import Job's log). */
  @JsonPropertyDescription(
      "Snapshots of the repository that could not be read (see the import Job's log).")
  public Long unreadable;

  /** What the last import did, or why it failed. */
  @JsonPropertyDescription("What the last import did, or why it failed.")
  public String message;
}
