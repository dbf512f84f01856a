package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.testcluster.cluster.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two teams in one cluster, as a hostile tenant would try them: namespaces tenant-a and tenant-b,
 * each enforcing Pod Security {@code baseline}, users alice and bob with the built-in {@code edit}
 * role (extended to Arca's resources by the chart's aggregated roles), and one repository the two
 * teams share, with a BackupPolicy named {@code training} in each. Alice, acting with kubectl as
 * herself, tries to reach team b's data and to loosen what the operator does for her; every attempt
 * is refused or has no effect. The last test asks the API server who may do what, and compares the
 * answers with the table in docs/security.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileTenantTest {
  static final String A = "tenant-a";
  static final String B = "tenant-b";
  static final String PW = "shared-repository-password";
  static Steps a;
  static Steps b;
  static String bucket;
  static List<String> snapshotsOfB;

  @BeforeAll
  static void twoTeamsShareOneRepository() {
    a = new Steps(A);
    b = new Steps(B);
    for (String ns : List.of(A, B)) {
      Cluster.get()
          .kubectl("label", "--overwrite", "ns", ns, "pod-security.kubernetes.io/enforce=baseline")
          .orFail();
    }
    Cluster.get()
        .kubectl(
            "create", "rolebinding", "alice-edit", "-n", A, "--clusterrole=edit", "--user=alice")
        .orFail();
    Cluster.get()
        .kubectl("create", "rolebinding", "bob-edit", "-n", B, "--clusterrole=edit", "--user=bob")
        .orFail();
    a.secrets(PW, Steps.PASSWORD);
    b.secrets(PW, Steps.PASSWORD);
    bucket = b.initRepository(PW); // both teams' policies use this bucket and prefix
  }

  /** kubectl as alice, team a's editor. */
  static Kubectl.Result alice(String... args) {
    List<String> all = new ArrayList<>(List.of("--as", "alice"));
    all.addAll(List.of(args));
    return Cluster.get().kubectl(all.toArray(String[]::new));
  }

  static Kubectl.Result aliceApplies(String yaml) {
    return alice("apply", "-f", Cluster.file(yaml).toString());
  }

  /** The ids of the snapshots in the shared repository whose host is {@code host}. */
  static List<String> inRepository(String host) throws Exception {
    String log =
        Pods.run(
            B,
            "arca-snapshots-" + System.nanoTime() % 100000,
            List.of("arca", "snapshots", "--json"),
            List.of(
                Pods.env("ARCA_REPO", "s3://" + bucket + "/" + b.prefix),
                Pods.env("AWS_ENDPOINT_URL", b.s3.toString()),
                Pods.env("AWS_REGION", Steps.region()),
                Pods.secretEnv("ARCA_PASSWORD", PW, "password"),
                Pods.secretEnv("AWS_ACCESS_KEY_ID", "minio-credentials", "AWS_ACCESS_KEY_ID"),
                Pods.secretEnv(
                    "AWS_SECRET_ACCESS_KEY", "minio-credentials", "AWS_SECRET_ACCESS_KEY")),
            null);
    JsonNode all = new ObjectMapper().readTree(log.substring(log.indexOf('{')));
    List<String> ids = new ArrayList<>();
    all.get("snapshots")
        .forEach(
            s -> {
              if (host.equals(s.get("host").asText())) {
                ids.add(s.get("id").asText());
              }
            });
    return ids;
  }

  @Test
  @Order(1)
  void aSameNamedPolicysRetentionLeavesTheOtherTeamsSnapshotsAlone() throws Exception {
    // team b: two backups, no retention
    b.claim("data");
    Pods.shell(B, "write-b", "echo 'team b weights' > /data/w.bin", "data");
    b.policy("training", "data", bucket, PW, "");
    b.awaitSnapshots("training", 1);
    b.runNow("training", "2");
    b.awaitSnapshots("training", 2);
    snapshotsOfB = inRepository(B + "/training");
    assertThat(snapshotsOfB).hasSize(2);

    // team a: a policy of the same name in the same repository, keeping only its last snapshot
    a.claim("data");
    Pods.shell(A, "write-a", "echo 'team a weights' > /data/w.bin", "data");
    a.policy("training", "data", bucket, PW, "retention: {keepLast: 1}");
    a.awaitSnapshots("training", 1);
    a.runNow("training", "2");
    // its second backup, then its forget Job, which leaves one Snapshot object of team a's
    a.await(
        "team a's retention after its second backup",
        () -> a.events("training", "RetentionStarted").size(),
        n -> n >= 2);
    a.awaitSnapshots("training", 1);
    a.await(
        "team a's second forget to end",
        () -> {
          try {
            return inRepository(A + "/training").size();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        n -> n == 1);

    assertThat(inRepository(B + "/training")).containsExactlyInAnyOrderElementsOf(snapshotsOfB);
    assertThat(b.snapshots("training")).hasSize(2);
  }

  @Test
  @Order(2)
  void teamBsSnapshotCannotBeRestoredThroughTeamAsPolicyOrTheSharedRepository() throws Exception {
    String theirs = snapshotsOfB.get(0);
    aliceApplies(
            """
            apiVersion: arca.dev/v1alpha1
            kind: RestoreRequest
            metadata: {name: steal-by-policy, namespace: %s}
            spec:
              policyRef: {name: training}
              snapshot: "%s"
              target: {pvc: loot, createPVC: {}}
            """
                .formatted(A, theirs))
        .orFail();
    Map<?, ?> byPolicy = a.awaitRestore("steal-by-policy");
    assertThat(byPolicy.get("phase")).isEqualTo("Failed");
    assertThat(byPolicy.get("message").toString()).contains("no snapshot of policy training");

    String inline =
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: %s, namespace: %s}
        spec:
          repository:
            url: s3://%s/%s
            s3: {endpoint: "%s", region: %s}
            credentialsSecretRef: {name: minio-credentials}
            passwordSecretRef: {name: %s, key: password}
          %s
          target: {pvc: loot, createPVC: {}}
        """;
    aliceApplies(
            inline.formatted(
                "steal-by-id",
                A,
                bucket,
                a.prefix,
                a.s3,
                Steps.region(),
                PW,
                "snapshot: " + theirs))
        .orFail();
    Map<?, ?> byId = a.awaitRestore("steal-by-id");
    assertThat(byId.get("phase")).isEqualTo("Failed");
    assertThat(byId.get("message").toString()).contains("is not one of the snapshots selected");

    var latest =
        aliceApplies(
            inline.formatted(
                "steal-latest", A, bucket, a.prefix, a.s3, Steps.region(), PW, "snapshot: latest"));
    assertThat(latest.exitCode()).isNotZero();
    assertThat(latest.stderr()).contains("name the snapshot by id");

    aliceApplies(
            inline.formatted(
                "steal-from",
                A,
                bucket,
                a.prefix,
                a.s3,
                Steps.region(),
                PW,
                "from: {namespace: " + B + ", policy: training}"))
        .orFail();
    Map<?, ?> from = a.awaitRestore("steal-from");
    assertThat(from.get("phase")).isEqualTo("Failed");
    assertThat(from.get("message").toString()).contains("restores.fromOtherNamespaces");
  }

  @Test
  @Order(3)
  void teamBsVolumeSecretAndPodsAreOutOfReach() {
    // not through kubectl
    for (String[] q :
        List.of(
            new String[] {"get", "secrets"},
            new String[] {"get", "persistentvolumeclaims"},
            new String[] {"create", "pods/exec"},
            new String[] {"create", "restorerequests.arca.dev"})) {
      assertThat(alice("auth", "can-i", q[0], q[1], "-n", B).stdout().strip())
          .as("alice: %s %s in %s", q[0], q[1], B)
          .isEqualTo("no");
    }
    // not through a policy: names resolve in alice's namespace, and dumps are not allowed here
    aliceApplies(
            """
            apiVersion: arca.dev/v1alpha1
            kind: BackupPolicy
            metadata: {name: reach, namespace: %s}
            spec:
              schedule: "0 3 1 1 *"
              sources:
                - pvc: data-of-b
                - dump:
                    path: db/b.sql
                    pod: postgres-0
                    command: [pg_dumpall]
              repository:
                url: s3://%s/%s
                passwordSecretRef: {name: secret-of-b, key: password}
            """
                .formatted(A, bucket, a.prefix))
        .orFail();
    Map<?, ?> ready =
        a.await(
            "the policy reach to be refused",
            () -> a.condition(Steps.POLICIES, "reach", "Ready"),
            c -> c != null && "False".equals(c.get("status")));
    assertThat(ready.get("message").toString())
        .containsAnyOf("data-of-b", "secret-of-b", "rbac.dumpNamespaces");
    assertThat(Cluster.get().client().batch().v1().jobs().inNamespace(A).list().getItems())
        .noneMatch(j -> j.getMetadata().getName().startsWith("reach"));
  }

  @Test
  @Order(4)
  void theJobsSecurityContextCannotBeLoosened() {
    aliceApplies(
            """
            apiVersion: arca.dev/v1alpha1
            kind: BackupPolicy
            metadata: {name: loose, namespace: %s}
            spec:
              schedule: "0 3 1 1 *"
              sources: [{pvc: data}]
              repository:
                url: s3://%s/%s
                passwordSecretRef: {name: %s, key: password}
              job:
                podSecurityContext:
                  seccompProfile: {type: Unconfined}
            """
                .formatted(A, bucket, a.prefix, PW))
        .orFail();
    Map<?, ?> ready =
        a.await(
            "the policy loose to be refused",
            () -> a.condition(Steps.POLICIES, "loose", "Ready"),
            c -> c != null && "False".equals(c.get("status")));
    assertThat(ready.get("reason")).isEqualTo("SecurityContextRefused");
    assertThat(ready.get("message").toString()).contains("seccompProfile");
  }

  @Test
  @Order(5)
  void aRestoreOverTheVolumeOfARunningApplicationIsRefused() {
    Cluster.get()
        .client()
        .pods()
        .inNamespace(A)
        .resource(Pods.pod(A, "app-0", List.of("sleep", "3600"), List.of(), "data"))
        .create();
    a.await(
        "app-0 to run",
        () -> Cluster.get().client().pods().inNamespace(A).withName("app-0").get(),
        p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
    aliceApplies(
            """
            apiVersion: arca.dev/v1alpha1
            kind: RestoreRequest
            metadata: {name: over-app, namespace: %s}
            spec:
              policyRef: {name: training}
              target: {pvc: data}
            """
                .formatted(A))
        .orFail();
    Map<?, ?> done = a.awaitRestore("over-app");
    assertThat(done.get("phase")).isEqualTo("Failed");
    assertThat(done.get("message").toString()).contains("app-0", "allowInUse");
    Cluster.get().client().pods().inNamespace(A).withName("app-0").delete();
  }

  /** Who is asked: the operator, a Job's account (the namespace's default), and alice. */
  static final Map<String, String> SUBJECTS = new java.util.LinkedHashMap<>();

  static {
    SUBJECTS.put("operator", ChartInstallTest.SA);
    SUBJECTS.put("a Job's account (tenant-a's default)", "system:serviceaccount:" + A + ":default");
    SUBJECTS.put("alice (edit in tenant-a)", "alice");
  }

  /** What is asked: namespace ("" for the cluster), group, resource, verb. */
  static final List<String[]> QUESTIONS =
      List.of(
          new String[] {A, "", "secrets", "get"},
          new String[] {B, "", "secrets", "get"},
          new String[] {A, "", "pods/exec", "create"},
          new String[] {"team-a", "", "pods/exec", "create"},
          new String[] {A, "rbac.authorization.k8s.io", "rolebindings", "create"},
          new String[] {"team-a", "rbac.authorization.k8s.io", "rolebindings", "create"},
          new String[] {"", "rbac.authorization.k8s.io", "clusterroles", "bind"},
          new String[] {A, "batch", "jobs", "create"},
          new String[] {A, "arca.dev", "snapshots", "create"},
          new String[] {A, "arca.dev", "backuppolicies", "create"},
          new String[] {B, "arca.dev", "backuppolicies", "create"},
          new String[] {B, "", "persistentvolumeclaims", "get"});

  static final String BEGIN = "<!-- rights: generated by HostileTenantTest -->";
  static final String END = "<!-- /rights -->";

  @Test
  @Order(6)
  void theRightsTableInDocsIsWhatTheApiServerSays() throws Exception {
    StringBuilder t = new StringBuilder("| namespace | verb resource |");
    SUBJECTS.keySet().forEach(s -> t.append(' ').append(s).append(" |"));
    t.append("\n|---|---|").append("---|".repeat(SUBJECTS.size())).append('\n');
    for (String[] q : QUESTIONS) {
      t.append("| ")
          .append(q[0].isEmpty() ? "(cluster)" : q[0])
          .append(" | ")
          .append(q[3])
          .append(' ')
          .append(q[1].isEmpty() ? q[2] : q[2] + "." + q[1])
          .append(" |");
      for (String user : SUBJECTS.values()) {
        boolean yes = ChartInstallTest.allowed(user, q[0], q[1], q[2], q[3]);
        t.append(yes ? " yes |" : " no |");
      }
      t.append('\n');
    }
    Path doc = Cluster.CHECKOUT.resolve("docs/security.md");
    String text = Files.readString(doc);
    int from = text.indexOf(BEGIN);
    int to = text.indexOf(END);
    assertThat(from).as("docs/security.md has the markers").isPositive();
    String generated = BEGIN + "\n" + t + END;
    if (Boolean.getBoolean("arca.security.update")) {
      Files.writeString(
          doc, text.substring(0, from) + generated + text.substring(to + END.length()));
      text = Files.readString(doc);
    }
    assertThat(text.substring(from, to + END.length()))
        .as("docs/security.md's rights table; refresh with -Darca.security.update=true")
        .isEqualTo(generated);
  }
}
