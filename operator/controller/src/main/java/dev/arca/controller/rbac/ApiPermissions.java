package dev.arca.controller.rbac;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every Kubernetes API resource and verb the operator uses, and where: in the namespaces it watches
 * (a ClusterRole, or one Role per namespace when the watch is limited), in the namespace of its
 * leader election Lease, and what every authenticated user may do anyway.
 */
public final class ApiPermissions {
  private ApiPermissions() {}

  /** Verbs on one resource ({@code pods/log}-style names for subresources) of one API group. */
  public record Rule(String apiGroup, String resource, List<String> verbs) {
    public boolean grants(String group, String res, String verb) {
      return apiGroup.equals(group) && resource.equals(res) && verbs.contains(verb);
    }
  }

  /** Used in every watched namespace. */
  public static final List<Rule> WATCHED_NAMESPACES =
      List.of(
          new Rule("arca.dev", "backuppolicies", List.of("get", "list", "watch")),
          new Rule("arca.dev", "backuppolicies/status", List.of("patch")),
          new Rule("arca.dev", "restorerequests", List.of("list", "watch")),
          new Rule("arca.dev", "restorerequests/status", List.of("patch")),
          new Rule("arca.dev", "snapshots", List.of("get", "list", "create", "patch", "delete")),
          new Rule("batch", "jobs", List.of("get", "list", "watch", "create", "delete")),
          new Rule("", "pods", List.of("list")),
          new Rule("", "pods/log", List.of("get")),
          new Rule("", "persistentvolumeclaims", List.of("get", "create")),
          new Rule("", "events", List.of("create", "list")));

  /**
   * Giving the Jobs of dump sources and restore pipes the right to exec into pods of their own
   * namespace: a ServiceAccount and a RoleBinding to the chart's exec ClusterRole, which the
   * operator may bind (RBAC's {@code bind} verb on that one role) without holding exec itself. The
   * chart leaves these out when {@code dumps.enabled} is false.
   */
  public static final List<Rule> EXEC_GRANTS =
      List.of(
          new Rule("", "serviceaccounts", List.of("get", "create", "update")),
          new Rule(
              "rbac.authorization.k8s.io", "rolebindings", List.of("get", "create", "update")));

  /** The verb on the exec ClusterRole (restricted to its name) that lets the operator bind it. */
  public static final Rule BIND_EXEC_ROLE =
      new Rule("rbac.authorization.k8s.io", "clusterroles", List.of("bind"));

  /** The exec ClusterRole's own rules: what a dump or pipe Job may do in its namespace. */
  public static final List<Rule> EXEC_ROLE =
      List.of(
          new Rule("", "pods", List.of("get", "list")),
          new Rule("", "pods/exec", List.of("get", "create")));

  /**
   * Checking that the Secrets a resource names exist (metadata only; values are never read). RBAC
   * cannot grant metadata alone, so this is a separate rule the chart can leave out, and the
   * operator then skips the check ({@code ARCA_CHECK_SECRETS=false}).
   */
  public static final Rule SECRET_CHECK = new Rule("", "secrets", List.of("get"));

  /**
   * Used in the leader election Lease's namespace. The elector reads, creates and patches the
   * Lease; JOSDK refuses to start unless {@code update} is granted too.
   */
  public static final List<Rule> LEASE_NAMESPACE =
      List.of(
          new Rule("coordination.k8s.io", "leases", List.of("get", "create", "update", "patch")));

  /**
   * Granted to every authenticated user by Kubernetes' own system:basic-user role: the leader
   * election's check of its Lease permissions.
   */
  public static final List<Rule> EVERY_USER =
      List.of(new Rule("authorization.k8s.io", "selfsubjectrulesreviews", List.of("create")));

  /** Whether the operator, with the chart's rules, may do {@code verb} on the resource. */
  public static boolean granted(String group, String resource, String verb) {
    return java.util.stream.Stream.of(
            WATCHED_NAMESPACES,
            List.of(SECRET_CHECK),
            LEASE_NAMESPACE,
            EVERY_USER,
            EXEC_GRANTS,
            List.of(BIND_EXEC_ROLE))
        .flatMap(List::stream)
        .anyMatch(r -> r.grants(group, resource, verb));
  }

  /** {@code rules} as the YAML list a Role or ClusterRole takes (what the chart includes). */
  public static String yaml(List<Rule> rules) {
    return rules.stream()
        .map(
            r ->
                "- apiGroups: [\""
                    + r.apiGroup()
                    + "\"]\n  resources: [\""
                    + r.resource()
                    + "\"]\n  verbs: ["
                    + r.verbs().stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "))
                    + "]\n")
        .collect(Collectors.joining());
  }
}
