package dev.arca.api;

import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.RestoreRequest;
import dev.arca.api.v1alpha1.Snapshot;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Generates the CRDs of the API classes with fabric8's CRD generator, with the printer columns in
 * the order their classes declare them (the generator sorts them by JSON path, which would put AGE
 * first and NEXT before LAST RESULT in kubectl get), and without the empty status of a kind that
 * has none (Snapshot).
 */
final class CrdGeneration {
  static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "BackupPolicy", BackupPolicy.class,
          "RestoreRequest", RestoreRequest.class,
          "Snapshot", Snapshot.class,
          "SnapshotCatalog", dev.arca.api.v1alpha1.SnapshotCatalog.class,
          "ErasureRequest", dev.arca.api.v1alpha1.ErasureRequest.class);

  private CrdGeneration() {}

  /** Writes {@code <plural>.arca.dev-v1.yml} for every kind into {@code dir}. */
  static void generate(Path dir) throws IOException {
    Files.createDirectories(dir);
    new CRDGenerator()
        .customResourceClasses(KINDS.values())
        .withParallelGenerationEnabled(false)
        .withPostProcessor(new DeclaredColumnOrder())
        .inOutputDir(dir.toFile())
        .generate();
  }

  /** Puts each version's printer columns in the order of the kind's annotations. */
  static final class DeclaredColumnOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition d = (CustomResourceDefinition) crd;
      List<String> declared =
          List.of(
                  KINDS
                      .get(d.getSpec().getNames().getKind())
                      .getAnnotationsByType(AdditionalPrinterColumn.class))
              .stream()
              .map(AdditionalPrinterColumn::name)
              .toList();
      for (CustomResourceDefinitionVersion v : d.getSpec().getVersions()) {
        var properties = v.getSchema().getOpenAPIV3Schema().getProperties();
        var status = properties.get("status");
        if (status != null
            && (status.getProperties() == null || status.getProperties().isEmpty())) {
          properties.remove("status");
        }
        if (v.getAdditionalPrinterColumns() != null) {
          v.getAdditionalPrinterColumns()
              .sort(
                  Comparator.comparingInt(
                      (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())));
        }
      }
      return crd;
    }
  }
}
