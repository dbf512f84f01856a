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
 * One erasure request answered in a policy's snapshots: paths removed and stored dumps rewritten
 * through a filter (arca rewrite), then what only the erased data needed removed from the
 * repository and confirmed gone (arca prune). Run once, by Jobs.
 */
@Group("arca.dev")
@Version("v1alpha1")
@ShortNames("aer")
@Categories("arca")
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Policy",
    jsonPath = ".spec.policyRef.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Rewritten",
    jsonPath = ".status.rewritten",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Complete",
    jsonPath = ".status.complete",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ErasureRequest extends CustomResource<ErasureRequestSpec, ErasureRequestStatus>
    implements Namespaced {
  private static final long serialVersionUID = 1L;

  /** What to erase from which policy's snapshots; cannot be changed. */
  @Override
  @JsonPropertyDescription("What to erase from which policy's snapshots; cannot be changed.")
  public ErasureRequestSpec getSpec() {
    return super.getSpec();
  }

  /** How the erasure went. */
  @Override
  @JsonPropertyDescription("How the erasure went.")
  public ErasureRequestStatus getStatus() {
    return super.getStatus();
  }
}
