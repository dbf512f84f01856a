package dev.arca.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.arca.api.v1alpha1.BackupPolicy;
import dev.arca.api.v1alpha1.RestoreRequest;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example under examples/ reads into the API classes with no unknown field. */
class ExamplesTest {
  static final Path EXAMPLES =
      Path.of(System.getProperty("arca.checkout", "../..")).resolve("examples");
  static final ObjectMapper STRICT =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  static final Map<String, Class<?>> KINDS =
      Map.of(
          "BackupPolicy", BackupPolicy.class,
          "RestoreRequest", RestoreRequest.class,
          "SnapshotCatalog", dev.arca.api.v1alpha1.SnapshotCatalog.class,
          "ErasureRequest", dev.arca.api.v1alpha1.ErasureRequest.class,
          "Secret", Secret.class,
          "PersistentVolumeClaim", io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class,
          "Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class);

  @Test
  void everyExampleLoadsWithNoUnknownField() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(6);
    for (Path f : files) {
      JsonNode doc = STRICT.readTree(f.toFile());
      String kind = doc.path("kind").asText();
      assertThat(KINDS).as("%s: kind %s", f.getFileName(), kind).containsKey(kind);
      Object loaded = STRICT.treeToValue(doc, KINDS.get(kind));
      assertThat(loaded).as(f.getFileName().toString()).isNotNull();
      if (loaded instanceof RestoreRequest r) {
        int sources = r.getSpec().policyRef == null ? 0 : 1;
        sources += r.getSpec().repository == null ? 0 : 1;
        sources += r.getSpec().catalogRef == null ? 0 : 1;
        assertThat(sources)
            .as("%s: exactly one of policyRef, repository and catalogRef", f.getFileName())
            .isEqualTo(1);
      }
      if (loaded instanceof BackupPolicy p) {
        assertThat(p.getSpec().sources).as(f.getFileName().toString()).isNotEmpty();
        assertThat(p.getSpec().repository.passwordSecretRef.name).isNotBlank();
      }
    }
  }

  @Test
  void aMistypedFieldIsCaught() {
    String yaml =
        "apiVersion: arca.dev/v1alpha1\nkind: BackupPolicy\nmetadata: {name: x}\n"
            + "spec: {schedule: '@daily', sources: [{pvc: a}], retension: {keepLast: 1}}\n";
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> STRICT.readValue(yaml, BackupPolicy.class))
        .hasMessageContaining("retension");
  }
}
