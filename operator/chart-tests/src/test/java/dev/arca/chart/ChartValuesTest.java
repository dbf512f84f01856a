package dev.arca.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * values.yaml is the chart's documentation: every setting has a {@code # --} comment, the schema
 * knows exactly the same keys, and the all-options file the lint and render tests use sets each.
 */
class ChartValuesTest {
  static final String BEGIN = "<!-- values: made from values.yaml by ChartValuesTest -->";
  static final String END = "<!-- end of values -->";
  static final Path VALUES = Chart.DIR.resolve("values.yaml");

  @Test
  void everySettingIsDocumentedAndTheSchemaHasExactlyTheKeysOfValues() throws IOException {
    List<String> settings = settings();
    Map<String, String> comments = ValuesDoc.comments(Files.readString(VALUES));

    assertThat(settings).hasSizeGreaterThan(40);
    assertThat(settings)
        .as("settings of values.yaml without a '# --' comment")
        .allMatch(k -> comments.get(k) != null);
  }

  @Test
  void theAllOptionsFileSetsEverySetting() throws IOException {
    JsonNode all = Chart.YAML.readTree(Chart.ALL_OPTIONS.toFile());
    assertThat(settings())
        .as("settings the all-options file leaves at their default")
        .allMatch(k -> !all.at("/" + k.replace('.', '/')).isMissingNode());
  }

  /** The settings of values.yaml (leaves of the schema tree), in file order. */
  private static List<String> settings() throws IOException {
    JsonNode schema = new ObjectMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());
    List<String> out = new ArrayList<>();
    walk("", Chart.YAML.readTree(VALUES.toFile()), schema, out);
    return out;
  }

  /** Collects the settings (leaves of the schema tree) and checks sections key by key. */
  private static void walk(String path, JsonNode values, JsonNode schema, List<String> out) {
    JsonNode props = schema.path("properties");
    if (props.isMissingNode()) {
      out.add(path);
      return;
    }
    TreeSet<String> inValues = new TreeSet<>();
    values.fieldNames().forEachRemaining(inValues::add);
    TreeSet<String> inSchema = new TreeSet<>();
    props.fieldNames().forEachRemaining(inSchema::add);
    assertThat(inValues)
        .as("keys of %s in values.yaml vs values.schema.json", label(path))
        .isEqualTo(inSchema);
    assertThat(schema.path("additionalProperties").asBoolean(true))
        .as("%s in the schema must refuse unknown keys (a typo must fail the install)", label(path))
        .isFalse();
    for (String k : (Iterable<String>) values::fieldNames) { // file order
      walk(path.isEmpty() ? k : path + "." + k, values.get(k), props.get(k), out);
    }
  }

  private static String label(String path) {
    return path.isEmpty() ? "the top level" : path;
  }

  @Test
  void theChartReadmesValuesTableIsMadeFromValuesYaml() throws IOException {
    String text = Files.readString(VALUES);
    String table = ValuesDoc.table(settings(), Chart.YAML.readTree(text), ValuesDoc.comments(text));
    Path readme = Chart.DIR.resolve("README.md");
    String doc = Files.readString(readme);
    int from = doc.indexOf(BEGIN);
    int to = doc.indexOf(END);
    assertThat(from).as("README.md has the markers %s and %s", BEGIN, END).isPositive();
    assertThat(to).isGreaterThan(from);
    String expected = doc.substring(0, from + BEGIN.length()) + "\n" + table + doc.substring(to);
    if (ChartFilesTest.UPDATE && !expected.equals(doc)) {
      Files.writeString(readme, expected);
      doc = expected;
    }
    assertThat(doc)
        .as("helm/arca/README.md's values table; refresh with -Darca.chart.update=true")
        .isEqualTo(expected);
  }
}
