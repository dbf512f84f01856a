package dev.arca.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.controller.rbac.ApiPermissions;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The operator's API calls as RBAC sees them. The operator under test gets its own client with a
 * distinct User-Agent, so that its requests can be told apart from the test's own; after a test,
 * every request it sent is turned into (API group, resource, verb) and checked against {@link
 * ApiPermissions}, the list the Helm chart's RBAC is generated from.
 */
public final class ApiCalls {
  static final String AGENT = "arca-operator-under-test";

  private ApiCalls() {}

  /** A client for the operator under test, talking to the same mock server as {@code test}. */
  public static KubernetesClient operatorClient(KubernetesClient test) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(test.getConfiguration()).withUserAgent(AGENT).build())
        .build();
  }

  /** Requests a test took with {@link #taken}, by server, for {@link #assertAllGranted}. */
  private static final Map<KubernetesMockServer, List<RecordedRequest>> TAKEN =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The operator's requests to {@code server} since the last call, as "METHOD path"; they are still
   * checked by {@link #assertAllGranted}.
   */
  public static List<String> taken(KubernetesMockServer server) throws InterruptedException {
    List<String> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      if (AGENT.equals(r.getHeader("User-Agent"))) {
        TAKEN.computeIfAbsent(server, s -> new ArrayList<>()).add(r);
        out.add(r.getMethod() + " " + r.getPath());
      }
    }
    return out;
  }

  /** Fails naming each call the operator made that the chart's RBAC would refuse. */
  public static void assertAllGranted(KubernetesMockServer server) throws InterruptedException {
    Set<String> seen = new TreeSet<>();
    Set<String> refused = new TreeSet<>();
    List<RecordedRequest> requests = new ArrayList<>(TAKEN.getOrDefault(server, List.of()));
    TAKEN.remove(server);
    RecordedRequest next;
    while ((next = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      requests.add(next);
    }
    for (RecordedRequest r : requests) {
      if (!AGENT.equals(r.getHeader("User-Agent"))) {
        continue;
      }
      String[] call = rbacCall(r.getMethod(), r.getPath());
      seen.add(String.join(" ", call));
      if (!ApiPermissions.granted(call[0], call[1], call[2])) {
        refused.add(
            call[2]
                + " "
                + call[1]
                + " (group '"
                + call[0]
                + "') by "
                + r.getMethod()
                + " "
                + r.getPath());
      }
    }
    assertThat(seen).as("the operator made API calls").isNotEmpty();
    assertThat(refused)
        .as("API calls the operator makes but ApiPermissions (and so the chart) does not grant")
        .isEmpty();
  }

  /** {group, resource, verb} of an API request, as an RBAC authorizer sees it. */
  static String[] rbacCall(String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    String[] s = path.replaceAll("^/", "").split("/");
    String group = s[0].equals("api") ? "" : s[1];
    int i = s[0].equals("api") ? 2 : 3;
    if (s.length > i + 2 && s[i].equals("namespaces")) {
      i += 2;
    }
    String resource = s[i];
    String name = s.length > i + 1 ? s[i + 1] : null;
    if (s.length > i + 2) {
      resource += "/" + s[i + 2];
    }
    String verb =
        switch (method) {
          case "GET" ->
              name != null
                  ? "get"
                  : query.matches("(^|.*&)watch=(true|1)(&.*|$)") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    return new String[] {group, resource, verb};
  }
}
