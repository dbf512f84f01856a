package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One restore of a snapshot (all of it or some paths) into a volume, run once by a Job. */
@Group("arca.dev")
@Version("v1alpha1")
@ShortNames("arr")
@Categories("arca")
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Snapshot",
    jsonPath = ".status.snapshotId",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Target",
    jsonPath = ".spec.target.pvc",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Targets",
    jsonPath = ".status.targetsDone",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Parts",
    jsonPath = ".status.partsDone",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Files",
    jsonPath = ".status.files",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Written",
    jsonPath = ".status.written",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Kept",
    jsonPath = ".status.kept",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Size",
    jsonPath = ".status.size",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RestoreRequest extends CustomResource<RestoreRequestSpec, RestoreRequestStatus>
    implements Namespaced {
  private static final long serialVersionUID = 1L;

  /**
   * The annotation in which the chart's admission policy records, at creation, who created the
   * request (the user or ServiceAccount the API server authenticated); users cannot set it
   * themselves while the policy is installed, since it overwrites any value given.
   */
  public static final String REQUESTED_BY = "arca.dev/requested-by";

  /** What to restore, from where, into which volume (or command); cannot be changed. */
  @Override
  @JsonPropertyDescription(
      "What to restore (latest snapshot, one by id or name, or the newest before a time; all"
          + " paths or some), from where (a policy's repository or one given inline), and into"
          + " which PVC (or command in a pod). A RestoreRequest runs once and cannot be changed;"
          + " create a new one to restore again.")
  public RestoreRequestSpec getSpec() {
    return super.getSpec();
  }

  /** How the restore went. */
  @Override
  @JsonPropertyDescription(
      "How the restore went: phase, the snapshot it resolved to, the Job, and counts (files of"
          + " the selection, written, unchanged, kept although different) once it ended.")
  public RestoreRequestStatus getStatus() {
    return super.getStatus();
  }
}
