package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Release;
import dev.arca.controller.rbac.ApiPermissions;
import dev.arca.testcluster.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart installed by Helm on a real API server, and its RBAC judged by the API server's own
 * authorizer: the operator's ServiceAccount may make every call in the operator's {@link
 * ApiPermissions} and nothing the tests pick from outside it.
 */
class ChartInstallTest {
  static final String SA = "system:serviceaccount:arca-system:arca";
  static final String SCOPED_SA = "system:serviceaccount:arca-scoped:arca-scoped";

  @BeforeAll
  static void install() {
    for (String ns : List.of("team-a", "team-b")) {
      Cluster.namespace(ns);
    }
    Cluster.operator();
    // a second release limited to one namespace (the CRDs are already there); its RBAC only
    Release scoped =
        Charts.install(
            "arca-scoped",
            "arca-scoped",
            "watchNamespaces: [team-a]\nrbac: {aggregateToDefaultRoles: false}\nreplicas: 0\n");
    assertThat(scoped.getStatus()).isEqualTo("deployed");
  }

  @Test
  void theOperatorMayMakeEveryCallItsCodeMakesInAnyNamespace() {
    List<String> refused = new ArrayList<>();
    for (ApiPermissions.Rule r : namespaced()) {
      for (String verb : r.verbs()) {
        for (String ns : List.of("team-a", "team-b")) {
          if (!allowed(SA, ns, r.apiGroup(), r.resource(), verb)) {
            refused.add(verb + " " + r.resource() + " in " + ns);
          }
        }
      }
    }
    for (ApiPermissions.Rule r : ApiPermissions.LEASE_NAMESPACE) {
      for (String verb : r.verbs()) {
        if (!allowed(SA, "arca-system", r.apiGroup(), r.resource(), verb)) {
          refused.add(verb + " " + r.resource() + " in arca-system");
        }
      }
    }
    assertThat(refused).as("calls the operator makes that its RBAC refuses").isEmpty();
  }

  @Test
  void theOperatorMayNotReadSecretsOrRunPodsAndExecsOnlyWhereDumpsAreAllowed() {
    for (String verb : List.of("get", "list", "watch")) {
      assertThat(allowed(SA, "team-a", "", "secrets", verb)).as("secrets %s", verb).isFalse();
    }
    assertThat(allowed(SA, "team-a", "", "pods", "create")).isFalse();
    // team-a allows dumps (rbac.dumpNamespaces), team-b does not
    for (ApiPermissions.Rule r : ApiPermissions.EXEC_GRANTS) {
      for (String verb : r.verbs()) {
        assertThat(allowed(SA, "team-a", r.apiGroup(), r.resource(), verb))
            .as("%s %s in team-a", verb, r.resource())
            .isTrue();
        assertThat(allowed(SA, "team-b", r.apiGroup(), r.resource(), verb))
            .as("%s %s in team-b", verb, r.resource())
            .isFalse();
      }
    }
    assertThat(allowed(SA, "team-a", "batch", "jobs", "update")).isFalse();
    assertThat(allowed(SA, "team-a", "", "persistentvolumeclaims", "delete")).isFalse();
    assertThat(allowed(SA, "team-a", "coordination.k8s.io", "leases", "create")).isFalse();
    assertThat(allowed(SA, "", "rbac.authorization.k8s.io", "clusterroles", "create")).isFalse();
  }

  @Test
  void aScopedReleaseHasRightsInItsNamespacesOnly() {
    for (ApiPermissions.Rule r : namespaced()) {
      for (String verb : r.verbs()) {
        assertThat(allowed(SCOPED_SA, "team-a", r.apiGroup(), r.resource(), verb))
            .as("%s %s in team-a", verb, r.resource())
            .isTrue();
        assertThat(allowed(SCOPED_SA, "team-b", r.apiGroup(), r.resource(), verb))
            .as("%s %s in team-b, which it does not watch", verb, r.resource())
            .isFalse();
      }
    }
  }

  @Test
  void namespaceEditorsManageArcaResourcesThroughTheAggregatedRoles() {
    // users of this test alone: HostileTenantTest's alice must have no rights in team-a
    LocalCluster c = Cluster.local();
    c.kubectl(
            "create",
            "rolebinding",
            "erin-edit",
            "-n",
            "team-a",
            "--clusterrole=edit",
            "--user=erin")
        .orFail();
    c.kubectl(
            "create",
            "rolebinding",
            "frank-view",
            "-n",
            "team-a",
            "--clusterrole=view",
            "--user=frank")
        .orFail();
    assertThat(allowed("erin", "team-a", "arca.dev", "backuppolicies", "create")).isTrue();
    assertThat(allowed("erin", "team-a", "arca.dev", "restorerequests", "delete")).isTrue();
    assertThat(allowed("frank", "team-a", "arca.dev", "snapshots", "list")).isTrue();
    assertThat(allowed("frank", "team-a", "arca.dev", "backuppolicies", "create")).isFalse();
    assertThat(allowed("erin", "team-b", "arca.dev", "backuppolicies", "create")).isFalse();
  }

  private static List<ApiPermissions.Rule> namespaced() {
    return ApiPermissions.WATCHED_NAMESPACES;
  }

  /** Applies {@code yaml} as the operator's ServiceAccount would (impersonated). */
  private static dev.arca.testcluster.cluster.Kubectl.Result asOperator(String... args) {
    List<String> all = new ArrayList<>(List.of("--as", SA));
    all.addAll(List.of(args));
    return Cluster.get().kubectl(all.toArray(String[]::new));
  }

  private static String grant(String role, String rules, String subject) {
    return """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: %1$s
          namespace: team-a
          labels: {app.kubernetes.io/managed-by: arca}
        rules: %2$s
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: %1$s
          namespace: team-a
          labels: {app.kubernetes.io/managed-by: arca}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: %1$s}
        subjects: [%3$s]
        """
        .formatted(role, rules, subject);
  }

  @Test
  void theOperatorCanGrantExecOnNamedPodsToItsOwnExecAccountsAndNothingElse() {
    Cluster.namespace("team-a");
    String podRules =
        "[{apiGroups: [''], resources: [pods], verbs: [get], resourceNames: [postgres-0]},"
            + " {apiGroups: [''], resources: [pods/exec], verbs: [get, create],"
            + " resourceNames: [postgres-0]}]";
    String own = "{kind: ServiceAccount, name: db-dump-exec, namespace: team-a}";
    // what the operator does for a dump run: allowed, and the Job's account may exec there only
    asOperator("apply", "-f", Cluster.file(grant("db-1-exec", podRules, own)).toString()).orFail();
    String job = "system:serviceaccount:team-a:db-dump-exec";
    assertThat(allowed(job, "team-a", "", "pods/exec", "create", "postgres-0")).isTrue();
    assertThat(allowed(job, "team-a", "", "pods/exec", "create", "app-0")).isFalse();
    assertThat(allowed(job, "team-a", "", "pods", "list")).isFalse();
    assertThat(allowed(job, "team-b", "", "pods/exec", "create", "postgres-0")).isFalse();
    assertThat(allowed(job, "team-a", "", "secrets", "get")).isFalse();

    // anything else the admission policy refuses, though RBAC alone would let it through
    var toAUser =
        asOperator(
            "apply",
            "-f",
            Cluster.file(grant("x-2-exec", podRules, "{kind: User, name: mallory}")).toString());
    assertThat(toAUser.exitCode()).isNotZero();
    assertThat(toAUser.stderr()).contains("may bind only its exec Roles");
    var otherNamespace =
        asOperator(
            "apply",
            "-f",
            Cluster.file(
                    grant(
                        "x-3-exec",
                        podRules,
                        "{kind: ServiceAccount, name: spy-exec, namespace: team-b}"))
                .toString());
    assertThat(otherNamespace.exitCode()).isNotZero();
    var everyPod =
        asOperator(
            "apply",
            "-f",
            Cluster.file(
                    grant(
                        "x-4-exec",
                        "[{apiGroups: [''], resources: [pods/exec], verbs: [create]}]",
                        own))
                .toString());
    assertThat(everyPod.exitCode()).isNotZero();
    assertThat(everyPod.stderr()).contains("only Roles of get and exec on pods named by name");
    // nor may it delete a Role it did not make
    Cluster.get()
        .kubectl("create", "role", "team-owned", "-n", "team-a", "--verb=get", "--resource=pods")
        .orFail();
    var delete = asOperator("delete", "role", "team-owned", "-n", "team-a");
    assertThat(delete.exitCode()).isNotZero();
    assertThat(delete.stderr()).contains("may delete only its own");
    // and it binds no ClusterRole at all
    assertThat(allowed(SA, "team-a", "rbac.authorization.k8s.io", "clusterroles", "bind", "admin"))
        .isFalse();
  }

  static boolean allowed(String user, String ns, String group, String resource, String verb) {
    return allowed(user, ns, group, resource, verb, null);
  }

  /** The API server's answer to "may {@code user} do this (to the object {@code name})?". */
  static boolean allowed(
      String user, String ns, String group, String resource, String verb, String name) {
    String[] parts = resource.split("/", 2);
    List<String> groups = new ArrayList<>(List.of("system:authenticated"));
    if (user.startsWith("system:serviceaccount:")) {
      groups.add("system:serviceaccounts");
      groups.add("system:serviceaccounts:" + user.split(":")[2]);
    }
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user)
            .withGroups(groups)
            .withNewResourceAttributes()
            .withNamespace(ns.isEmpty() ? null : ns)
            .withGroup(group)
            .withResource(parts[0])
            .withSubresource(parts.length > 1 ? parts[1] : null)
            .withVerb(verb)
            .withName(name)
            .endResourceAttributes()
            .endSpec()
            .build();
    return Cluster.get()
        .client()
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }
}
