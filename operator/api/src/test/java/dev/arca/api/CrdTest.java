package dev.arca.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs generated from the API classes ({@link CrdGeneration}): the copies committed under crds/
 * must be the same (run with -Darca.crds.update=true to refresh them), every field must carry a
 * description, since that is what kubectl explain shows, and the printer columns come in the order
 * a reader wants.
 */
class CrdTest {
  static final Path GENERATED = Path.of("target/crds");
  static final Path COMMITTED =
      Path.of(System.getProperty("arca.checkout", "../..")).resolve("crds");

  private static boolean fresh;

  /** The CRDs, generated anew once per test run (never a previous build's). */
  static synchronized List<Path> generated() throws IOException {
    if (!fresh) {
      if (Files.isDirectory(GENERATED)) {
        try (Stream<Path> old = Files.list(GENERATED)) {
          for (Path p : old.toList()) {
            Files.delete(p);
          }
        }
      }
      CrdGeneration.generate(GENERATED);
      fresh = true;
    }
    try (Stream<Path> s = Files.list(GENERATED)) {
      return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    List<Path> gen = generated();
    assertThat(gen).hasSize(CrdGeneration.KINDS.size());
    if (Boolean.getBoolean("arca.crds.update")) {
      Files.createDirectories(COMMITTED);
      for (Path g : gen) {
        Files.copy(
            g,
            COMMITTED.resolve(g.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    List<String> names = new ArrayList<>();
    for (Path g : gen) {
      Path c = COMMITTED.resolve(g.getFileName());
      names.add(g.getFileName().toString());
      assertThat(c)
          .as(
              "crds/%s is out of date: run `mvn -pl operator/api verify -Darca.crds.update=true`"
                  + " and commit crds/",
              g.getFileName())
          .exists();
      assertThat(Files.readString(c))
          .as(
              "crds/%s differs from the generated CRD: run `mvn -pl operator/api verify"
                  + " -Darca.crds.update=true` and commit crds/",
              g.getFileName())
          .isEqualTo(Files.readString(g));
    }
    try (Stream<Path> s = Files.list(COMMITTED)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("files in crds/ that no API class generates")
          .containsExactlyInAnyOrderElementsOf(names);
    }
  }

  @Test
  void everyFieldHasADescriptionForKubectlExplain() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<String> missing = new ArrayList<>();
    for (Path g : generated()) {
      JsonNode crd = yaml.readTree(g.toFile());
      JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties");
      for (String top : List.of("spec", "status")) {
        if (schema.has(top)) {
          if (!schema.get(top).has("description")) {
            missing.add(g.getFileName() + ":" + top);
          }
          walk(schema.get(top), g.getFileName() + ":" + top, missing, true);
        }
      }
    }
    assertThat(missing).as("schema properties without a description").isEmpty();
  }

  /** Checks our own properties; Kubernetes types (under job) bring their own documentation. */
  private static void walk(JsonNode node, String path, List<String> missing, boolean ours) {
    JsonNode props =
        node.has("items") ? node.get("items").get("properties") : node.get("properties");
    if (props == null) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String p = path + "." + e.getKey();
      if (ours && !e.getValue().has("description")) {
        missing.add(p);
      }
      boolean kubernetesType = p.endsWith(".job") || p.endsWith(".conditions");
      walk(e.getValue(), p, missing, ours && !kubernetesType);
    }
  }

  @Test
  void printerColumnsComeInTheDeclaredOrderAndNextIsAString() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Map<String, List<String>> columns = new java.util.TreeMap<>();
    for (Path g : generated()) {
      JsonNode crd = yaml.readTree(g.toFile());
      List<String> names = new ArrayList<>();
      for (JsonNode c : crd.at("/spec/versions/0/additionalPrinterColumns")) {
        names.add(c.get("name").asText());
        if (c.get("name").asText().equals("Next")) {
          // a date column shows "<invalid>" for a time in the future
          assertThat(c.get("type").asText()).isEqualTo("string");
        }
      }
      columns.put(crd.at("/spec/names/kind").asText(), names);
    }
    assertThat(columns.get("BackupPolicy"))
        .containsExactly(
            "Schedule",
            "Suspend",
            "Ready",
            "Running",
            "Parts",
            "Last Backup",
            "Last Result",
            "Size",
            "Next",
            "Age");
    assertThat(columns.get("RestoreRequest"))
        .containsExactly(
            "Phase",
            "Snapshot",
            "Target",
            "Targets",
            "Parts",
            "Files",
            "Written",
            "Kept",
            "Size",
            "Age");
    assertThat(columns.get("Snapshot"))
        .containsExactly("Policy", "Time", "Mode", "Files", "Size", "Bytes", "Id");
  }
}
