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
          new Rule("arca.dev", "restorerequests", List.of("get", "list", "watch", "create")),
          new Rule("arca.dev", "restorerequests/status", List.of("patch")),
          new Rule("arca.dev", "snapshotcatalogs", List.of("get", "list", "watch")),
          new Rule("arca.dev", "snapshotcatalogs/status", List.of("patch")),
          new Rule("arca.dev", "erasurerequests", List.of("get", "list", "watch")),
          new Rule("arca.dev", "erasurerequests/status", List.of("patch")),
          new Rule("arca.dev", "snapshots", List.of("get", "list", "create", "patch", "delete")),
          new Rule("batch", "jobs", List.of("get", "list", "watch", "create", "delete")),
          new Rule("", "pods", List.of("list")),
          new Rule("", "pods/log", List.of("get")),
          new Rule("", "persistentvolumeclaims", List.of("get", "list", "create")),
          new Rule(
              "snapshot.storage.k8s.io",
              "volumesnapshots",
              List.of("get", "list", "create", "delete")),
          new Rule("", "events", List.of("create", "list")));

  /**
   * Giving the Jobs of dump sources and restore pipes exec on their database pod, in the namespaces
   * where the chart allows dumps ({@code rbac.dumpNamespaces}) and nowhere else: for each run a
   * Role with get and exec on the named pods ({@link #EXEC_ROLE}) and its RoleBinding to the
   * resource's ServiceAccount, deleted when the run ends. Kubernetes lets a role grant only what
   * its creator holds, hence the pods rules here; the chart's admission policy lets the operator
   * create only such Roles and bind them only to its own exec accounts.
   */
  public static final List<Rule> EXEC_GRANTS =
      List.of(
          new Rule("", "serviceaccounts", List.of("get", "create", "update")),
          new Rule(
              "rbac.authorization.k8s.io", "roles", List.of("get", "create", "update", "delete")),
          new Rule(
              "rbac.authorization.k8s.io",
              "rolebindings",
              List.of("get", "create", "update", "delete")),
          new Rule("", "pods", List.of("get")),
          new Rule("", "pods/exec", List.of("get", "create")));

  /**
   * The rules of a run's Role, each limited to the names of the pods its dump or pipe uses: what a
   * dump or pipe Job may do.
   */
  public static final List<Rule> EXEC_ROLE =
      List.of(
          new Rule("", "pods", List.of("get")),
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
            WATCHED_NAMESPACES, List.of(SECRET_CHECK), LEASE_NAMESPACE, EVERY_USER, EXEC_GRANTS)
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
