package dev.arca.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The chart helm/arca rendered in-process by Helm (helm-java), as parsed manifests. */
final class Chart {
  static final Path CHECKOUT = Path.of(System.getProperty("arca.checkout", "../.."));
  static final Path DIR = CHECKOUT.resolve("helm/arca");
  static final Path ALL_OPTIONS = DIR.resolve("ci/all-options-values.yaml");
  static final String NAMESPACE = "arca-system";

  /** The Kubernetes version templates are rendered for (Helm's own default is older than ours). */
  static final String KUBE_VERSION = "v1.34.0";

  static final YAMLMapper YAML = new YAMLMapper();

  private final List<JsonNode> docs;

  private Chart(List<JsonNode> docs) {
    this.docs = docs;
  }

  /** The chart rendered with its defaults plus {@code set} (keys in --set form). */
  static Chart render(Map<String, Object> set) {
    return render(t -> t, set);
  }

  /** The chart rendered with the values file that turns every option on. */
  static Chart renderAllOptions() {
    return render(t -> t.withValuesFile(ALL_OPTIONS), Map.of());
  }

  static Chart render(UnaryOperator<TemplateCommand> options, Map<String, Object> set) {
    TemplateCommand t =
        new Helm(DIR)
            .template()
            .withName("arca")
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    t = options.apply(t);
    for (var e : set.entrySet()) {
      t = t.set(e.getKey(), e.getValue());
    }
    return new Chart(parse(t.call()));
  }

  static List<JsonNode> parse(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readerFor(JsonNode.class).readValues(YAML.getFactory().createParser(yaml))) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && n.has("kind")) {
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  List<JsonNode> all() {
    return docs;
  }

  List<JsonNode> kind(String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  JsonNode one(String kind) {
    List<JsonNode> k = kind(kind);
    if (k.size() != 1) {
      throw new AssertionError("expected one " + kind + ", rendered " + k.size());
    }
    return k.get(0);
  }

  /** The operator container's environment as a map. */
  Map<String, String> operatorEnv() {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    one("Deployment")
        .at("/spec/template/spec/containers/0/env")
        .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    return env;
  }
}
