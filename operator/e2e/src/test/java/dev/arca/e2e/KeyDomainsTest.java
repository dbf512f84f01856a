package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * One key domain per namespace, as the chart's keyDomains.perNamespace sets it (here for the
 * namespaces with a label only, so that the other tests' policies keep their repositories): a
 * BackupPolicy created without a domain gets its namespace's, and keeps it when an update leaves it
 * out; its backup Job creates the domain in the shared bucket and a RestoreRequest restores from
 * it. Once a cluster admin destroys the domain with arca key destroy-domain, the policy's next
 * backup and any restore fail, saying the domain was destroyed.
 */
@Isolated("it upgrades the release (keyDomains, for the namespaces with its label only)")
class KeyDomainsTest {
  static final String LABEL = "arca.dev/e2e-key-domains";

  @Test
  void aNamespacesPolicyBacksUpIntoItsOwnDomainWhichNoPasswordOpensOnceDestroyed()
      throws Exception {
    Steps s = new Steps("key-domains"); // installs the operator, once per run
    Charts.upgradeOperator(
        "keyDomains: {perNamespace: true, namespaceSelector: {matchLabels: {"
            + LABEL
            + ": \"on\"}}}\n");
    Cluster.get().kubectl("label", "namespace", s.ns, LABEL + "=on", "--overwrite").orFail();
    // the API server loads a new admission policy, and sees the namespace's label, a moment later
    s.await(
        "the key-domain admission policy to apply in the namespace",
        () -> dryRunKeyDomain(s.ns),
        s.ns::equals);
    s.secrets("arca-repository-password", Steps.PASSWORD);
    String bucket =
        Target.external()
            ? Target.bucket()
            : dev.arca.it.S3Servers.newBucket(dev.arca.it.S3Servers.minio(), false);
    s.claim("weights");
    Pods.shell(
        s.ns,
        "write-weights",
        "head -c 2000000 /dev/urandom > /data/model.safetensors\necho v1 > /data/config.json\n",
        "weights");
    Map<String, String> before = Pods.hashes(s.ns, "hash-before", "weights");
    s.policy("weights", "weights", bucket, "arca-repository-password", "", "initialize: IfMissing");
    assertThat(keyDomain(s.ns, "weights")).as("filled in at creation").isEqualTo(s.ns);
    s.awaitSnapshots("weights", 1);

    // the domain exists in the store, with its key slot; the store's root holds no repository
    List<EnvVar> root = s.repositoryEnv(bucket, "arca-repository-password");
    JsonNode domains =
        json(Pods.run(s.ns, "domains", List.of("arca", "key", "domains", "--json"), root, null));
    assertThat(domains.get("domains")).hasSize(1);
    assertThat(domains.get("domains").get(0).get("name").asText()).isEqualTo(s.ns);
    assertThat(domains.get("domains").get(0).get("keySlots").asInt()).isEqualTo(1);

    // kubectl replace without the field keeps it; an explicit one is taken as given
    String yaml =
        Cluster.get()
            .kubectl("get", "-n", s.ns, "backuppolicy/weights", "-o", "yaml")
            .orFail()
            .stdout();
    String without =
        yaml.replaceAll("(?m)^\\s+keyDomain: .*\\n", "")
            .replaceAll("(?m)^\\s+resourceVersion: .*\\n", ""); // replace whatever the status is
    assertThat(without).doesNotContain("keyDomain");
    Cluster.get().kubectl("replace", "-f", Cluster.file(without).toString()).orFail();
    assertThat(keyDomain(s.ns, "weights")).isEqualTo(s.ns);

    s.apply(restore("before-destroy", s.ns));
    assertThat(s.awaitRestore("before-destroy").get("phase")).isEqualTo("Succeeded");
    assertThat(Pods.hashes(s.ns, "hash-restored", "restored-before-destroy")).isEqualTo(before);

    // the tenant leaves: its domain is destroyed in two steps
    String plan =
        Pods.run(
            s.ns,
            "destroy-plan",
            List.of("arca", "key", "destroy-domain", s.ns, "--json"),
            root,
            null);
    String token = json(plan).get("token").asText();
    JsonNode destroyed =
        json(
            Pods.run(
                s.ns,
                "destroy",
                List.of("arca", "key", "destroy-domain", s.ns, "--confirm", token, "--json"),
                root,
                null));
    assertThat(destroyed.get("removedKeySlots")).hasSize(1);

    s.apply(restore("after-destroy", s.ns));
    Map<?, ?> failed = s.awaitRestore("after-destroy");
    assertThat(failed.get("phase")).isEqualTo("Failed");
    assertThat(String.valueOf(failed)).contains("was destroyed");
    s.runNow("weights", "2");
    Map<?, ?> failure =
        s.await(
            "the backup after the destruction to fail",
            () -> (Map<?, ?>) s.status(Steps.POLICIES, "weights").get("lastFailure"),
            f -> f != null);
    assertThat(String.valueOf(failure)).contains("was destroyed");
  }

  private static String keyDomain(String ns, String policy) {
    return Cluster.get()
        .kubectl(
            "get",
            "-n",
            ns,
            "backuppolicy/" + policy,
            "-o",
            "jsonpath={.spec.repository.keyDomain}")
        .orFail()
        .stdout()
        .strip();
  }

  /** The keyDomain a server-side dry run of a policy without one comes back with. */
  private static String dryRunKeyDomain(String ns) {
    String probe =
        """
        apiVersion: arca.dev/v1alpha1
        kind: BackupPolicy
        metadata: {name: probe, namespace: %s}
        spec:
          schedule: "0 3 1 1 *"
          sources: [{pvc: none}]
          repository:
            url: s3://probe/probe
            passwordSecretRef: {name: none, key: password}
        """
            .formatted(ns);
    return Cluster.get()
        .kubectl(
            "create",
            "--dry-run=server",
            "-o",
            "jsonpath={.spec.repository.keyDomain}",
            "-f",
            Cluster.file(probe).toString())
        .orFail()
        .stdout()
        .strip();
  }

  private static String restore(String name, String ns) {
    return """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: %s, namespace: %s}
        spec:
          policyRef: {name: weights}
          snapshot: latest
          target:
            pvc: restored-%s
            createPVC: {size: 1Gi}
        """
        .formatted(name, ns, name);
  }

  private static JsonNode json(String log) throws Exception {
    List<String> lines = new ArrayList<>(log.lines().filter(l -> l.startsWith("{")).toList());
    assertThat(lines).as(log).isNotEmpty();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }
}
