package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A read-only catalog entry for one snapshot a BackupPolicy made, created by the operator and
 * removed when retention forgets the snapshot. It is a mirror: deleting it deletes no backup data.
 * It has no owner, so it outlives a deleted policy (labelled arca.dev/policy=NAME).
 */
@Group("arca.dev")
@Version("v1alpha1")
@ShortNames("asnap")
@Categories("arca")
@AdditionalPrinterColumn(
    name = "Policy",
    jsonPath = ".spec.policy",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Time",
    jsonPath = ".spec.time",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Mode",
    jsonPath = ".spec.mode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Files",
    jsonPath = ".spec.files",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Size",
    jsonPath = ".spec.size",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Bytes",
    jsonPath = ".spec.bytes",
    type = AdditionalPrinterColumn.Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Id",
    jsonPath = ".spec.snapshotId",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
public class Snapshot extends CustomResource<SnapshotSpec, Void> implements Namespaced {
  private static final long serialVersionUID = 1L;

  /** What the snapshot holds, as its backup Job reported it; read-only. */
  @Override
  @JsonPropertyDescription(
      "What the snapshot holds, as its backup Job reported it; read-only. The operator creates"
          + " Snapshot objects and removes them when retention forgets their snapshot; they have"
          + " no owner, so they outlive a deleted BackupPolicy (find them with -l"
          + " arca.dev/policy=NAME). Deleting one removes a catalog entry, never backup data.")
  public SnapshotSpec getSpec() {
    return super.getSpec();
  }
}
