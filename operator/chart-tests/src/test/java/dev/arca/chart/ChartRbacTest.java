package dev.arca.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.controller.rbac.ApiPermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The rendered RBAC gives the operator's ServiceAccount exactly {@link ApiPermissions}: the rights
 * the controller tests saw it use, no more (no wildcards, no Secrets listing), and none of them
 * missing, cluster-wide and when limited to listed namespaces.
 */
class ChartRbacTest {
  @Test
  void clusterWideTheOperatorGetsExactlyItsApiPermissionsAndNoExecOrSecrets() {
    Chart c = Chart.render(Map.of());
    Map<String, Set<String>> granted = grantedTo(c, "arca");
    assertThat(granted.keySet()).containsExactlyInAnyOrder("*", Chart.NAMESPACE);
    assertThat(granted.get("*")).isEqualTo(triples(ApiPermissions.WATCHED_NAMESPACES));
    assertThat(granted.get(Chart.NAMESPACE)).isEqualTo(triples(ApiPermissions.LEASE_NAMESPACE));
    // by default: no Secret rights, no exec, no RBAC writes anywhere, no admission policy needed
    assertThat(granted.values().stream().flatMap(Set::stream))
        .noneMatch(
            t ->
                t.contains("secrets")
                    || t.contains("pods/exec")
                    || t.contains("roles")
                    || t.contains("rolebindings")
                    || t.contains("clusterroles"));
    assertThat(c.operatorEnv())
        .containsEntry("ARCA_CHECK_SECRETS", "false")
        .containsEntry("ARCA_DUMP_NAMESPACES", "");
    assertThat(c.kind("ValidatingAdmissionPolicy")).isEmpty();
  }

  @Test
  void dumpRightsOnlyInTheNamespacesAClusterAdminListedAndFencedByAnAdmissionPolicy() {
    Chart c = withDumpNamespaces("[db-team]");
    Map<String, Set<String>> granted = grantedTo(c, "arca");
    assertThat(granted.keySet()).containsExactlyInAnyOrder("*", "db-team", Chart.NAMESPACE);
    assertThat(granted.get("db-team")).isEqualTo(triples(ApiPermissions.EXEC_GRANTS));
    assertThat(granted.get("*")).noneMatch(t -> t.contains("pods/exec") || t.contains("roles"));
    assertThat(c.operatorEnv()).containsEntry("ARCA_DUMP_NAMESPACES", "db-team");
    JsonNode policy = c.kind("ValidatingAdmissionPolicy").get(0);
    assertThat(policy.at("/spec/matchConditions/0/expression").asText())
        .isEqualTo(
            "request.userInfo.username == 'system:serviceaccount:" + Chart.NAMESPACE + ":arca'");
    assertThat(c.kind("ValidatingAdmissionPolicyBinding"))
        .singleElement()
        .satisfies(b -> assertThat(b.at("/spec/validationActions/0").asText()).isEqualTo("Deny"));

    Chart everywhere = withDumpNamespaces("['*']");
    assertThat(grantedTo(everywhere, "arca").get("*"))
        .containsAll(triples(ApiPermissions.EXEC_GRANTS));
    assertThat(everywhere.operatorEnv()).containsEntry("ARCA_DUMP_NAMESPACES", "*");
  }

  @Test
  void withWatchNamespacesTheOperatorHasRightsOnlyThere() {
    Chart c = Chart.renderAllOptions(); // watchNamespaces [llm, datasets], checkSecrets false
    Map<String, Set<String>> granted = grantedTo(c, "arca-operator");
    assertThat(granted.keySet()).containsExactlyInAnyOrder("llm", "datasets", Chart.NAMESPACE);
    Set<String> watched = triples(ApiPermissions.WATCHED_NAMESPACES);
    // all options: dumps allowed in llm only
    Set<String> withDumps = new TreeSet<>(watched);
    withDumps.addAll(triples(ApiPermissions.EXEC_GRANTS));
    assertThat(granted.get("llm")).isEqualTo(withDumps);
    assertThat(granted.get("datasets")).isEqualTo(watched);
    assertThat(granted.get(Chart.NAMESPACE)).isEqualTo(triples(ApiPermissions.LEASE_NAMESPACE));
    assertThat(watched).noneMatch(t -> t.contains(" secrets "));
  }

  @Test
  void secretChecksOnlyInWatchedNamespacesNeverClusterWide() {
    Chart scoped = Chart.render(Map.of("watchNamespaces[0]", "llm"));
    assertThat(grantedTo(scoped, "arca").get("llm"))
        .isEqualTo(
            triples(
                concat(ApiPermissions.WATCHED_NAMESPACES, List.of(ApiPermissions.SECRET_CHECK))));
    assertThat(scoped.operatorEnv()).containsEntry("ARCA_CHECK_SECRETS", "true");
    Chart off = Chart.render(Map.of("watchNamespaces[0]", "llm", "rbac.checkSecrets", false));
    assertThat(grantedTo(off, "arca").get("llm")).noneMatch(t -> t.contains("secrets"));
    assertThat(off.operatorEnv()).containsEntry("ARCA_CHECK_SECRETS", "false");
  }

  @Test
  void jobsServiceAccountsHaveNoRightsAndNoToken() {
    Chart c = Chart.renderAllOptions();
    List<JsonNode> jobSas =
        c.kind("ServiceAccount").stream()
            .filter(sa -> sa.at("/metadata/name").asText().equals("arca-job"))
            .toList();
    assertThat(jobSas)
        .extracting(sa -> sa.at("/metadata/namespace").asText())
        .containsExactlyInAnyOrder("llm", "datasets");
    assertThat(jobSas).allMatch(sa -> !sa.path("automountServiceAccountToken").asBoolean(true));
    assertThat(grantedTo(c, "arca-job")).isEmpty();
  }

  @Test
  void usersGetArcaResourcesThroughTheBuiltInRoles() {
    Chart c = Chart.render(Map.of());
    List<JsonNode> aggregated =
        c.kind("ClusterRole").stream()
            .filter(r -> r.at("/metadata/labels").toString().contains("aggregate-to-"))
            .toList();
    assertThat(aggregated).hasSize(3);
    // erasing data from a policy's snapshots is for namespace admins, not every editor
    JsonNode erase =
        aggregated.stream()
            .filter(
                r ->
                    r.toString().contains("\"erasurerequests\"") && r.toString().contains("create"))
            .findFirst()
            .orElseThrow();
    assertThat(erase.at("/metadata/labels").toString())
        .contains("aggregate-to-admin")
        .doesNotContain("aggregate-to-edit");
    assertThat(Chart.render(Map.of("rbac.aggregateToDefaultRoles", false)).kind("ClusterRole"))
        .extracting(r -> r.at("/metadata/name").asText())
        .containsExactlyInAnyOrder("arca");
  }

  /** The chart with rbac.dumpNamespaces set to {@code list} (YAML), from a values file. */
  private static Chart withDumpNamespaces(String list) {
    try {
      java.nio.file.Path values = java.nio.file.Files.createTempFile("dump-namespaces", ".yaml");
      java.nio.file.Files.writeString(values, "rbac:\n  dumpNamespaces: " + list + "\n");
      return Chart.render(t -> t.withValuesFile(values), Map.of());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * "group resource verb" triples granted to ServiceAccount {@code sa}, by namespace ("*": all).
   */
  static Map<String, Set<String>> grantedTo(Chart c, String sa) {
    Map<String, Set<String>> out = new HashMap<>();
    for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
      for (JsonNode b : c.kind(kind)) {
        boolean bound = false;
        for (JsonNode s : b.path("subjects")) {
          bound |=
              s.path("kind").asText().equals("ServiceAccount")
                  && s.path("name").asText().equals(sa);
        }
        if (!bound) {
          continue;
        }
        String ns = kind.equals("RoleBinding") ? b.at("/metadata/namespace").asText() : "*";
        JsonNode role = role(c, b.at("/roleRef/kind").asText(), b.at("/roleRef/name").asText(), ns);
        out.computeIfAbsent(ns, k -> new TreeSet<>()).addAll(triplesOf(role));
      }
    }
    return out;
  }

  /** "group resource verb" triples of a Role's or ClusterRole's rules; no wildcards. */
  static Set<String> triplesOf(JsonNode role) {
    Set<String> t = new TreeSet<>();
    for (JsonNode r : role.path("rules")) {
      for (JsonNode g : r.path("apiGroups")) {
        for (JsonNode res : r.path("resources")) {
          for (JsonNode v : r.path("verbs")) {
            assertThat(List.of(g.asText(), res.asText(), v.asText())).doesNotContain("*");
            t.add(g.asText() + " " + res.asText() + " " + v.asText());
          }
        }
      }
    }
    return t;
  }

  private static JsonNode role(Chart c, String kind, String name, String ns) {
    return c.kind(kind).stream()
        .filter(r -> r.at("/metadata/name").asText().equals(name))
        .filter(r -> kind.equals("ClusterRole") || r.at("/metadata/namespace").asText().equals(ns))
        .findFirst()
        .orElseThrow(() -> new AssertionError("binding to missing " + kind + " " + name));
  }

  static Set<String> triples(List<ApiPermissions.Rule> rules) {
    Set<String> t = new TreeSet<>();
    for (var r : rules) {
      r.verbs().forEach(v -> t.add(r.apiGroup() + " " + r.resource() + " " + v));
    }
    return t;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
