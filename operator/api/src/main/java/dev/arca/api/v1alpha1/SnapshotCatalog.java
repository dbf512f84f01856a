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
 * The snapshots a repository holds, imported as read-only Snapshot objects into this namespace: how
 * a cluster that did not write them (a new cluster after a disaster, another region reading an
 * off-site copy) lists and restores them (RestoreRequest spec.catalogRef).
 */
@Group("arca.dev")
@Version("v1alpha1")
@ShortNames("acat")
@Categories("arca")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Snapshots",
    jsonPath = ".status.snapshots",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Imported",
    jsonPath = ".status.lastImportTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class SnapshotCatalog extends CustomResource<SnapshotCatalogSpec, SnapshotCatalogStatus>
    implements Namespaced {
  private static final long serialVersionUID = 1L;

  @Override
  @JsonPropertyDescription(
      "Which repository to list and whose snapshots to import from it as Snapshot objects.")
  public SnapshotCatalogSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the last import found.")
  public SnapshotCatalogStatus getStatus() {
    return super.getStatus();
  }
}
