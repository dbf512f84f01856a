package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.controller.JobNodes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A restore into a volume that an application still mounts: refused with the pod named, then, with
 * {@code target.allowInUse}, done from the node where that ReadWriteOnce volume is in use while the
 * application keeps running.
 */
class LiveVolumeRestoreTest {
  @Test
  void aRestoreIntoAVolumeInUseIsRefusedUnlessAllowedAndThenRunsOnThePodsNode() throws Exception {
    Steps s = new Steps("live");
    s.secrets("pw", Steps.PASSWORD);
    String bucket = s.initRepository("pw");
    s.claim("app-data");
    Pods.shell(s.ns, "write-tree", Trees.LLM_SH + "llm /data 1\n", "app-data");
    Map<String, String> backedUp = Pods.hashes(s.ns, "hash-backed-up", "app-data");
    s.policy("app-data", "app-data", bucket, "pw", "");
    s.awaitSnapshots("app-data", 1);
    // the application changes a file and keeps running with the volume mounted
    Pods.shell(s.ns, "change", "printf '{}' > /data/model/config.json", "app-data");
    Pod app = startApp(s.ns, "app-data");
    String node = app.getSpec().getNodeName();

    s.apply(restore(s.ns, "into-live", ""));
    Map<?, ?> refused = s.awaitRestore("into-live");
    assertThat(refused.get("phase")).isEqualTo("Failed");
    assertThat(refused.get("message"))
        .isEqualTo(
            "spec.target.pvc: PVC 'app-data' is in use by pod app-0; stop it, or set"
                + " spec.target.allowInUse: true to restore into a volume in use");
    assertThat(s.condition(Steps.RESTORES, "into-live", "Ready").get("reason"))
        .isEqualTo("TargetInUse");
    assertThat(restoreJobs(s.ns, "into-live")).isEmpty();

    s.apply(restore(s.ns, "into-live-allowed", "allowInUse: true"));
    Map<?, ?> done = s.awaitRestore("into-live-allowed");
    assertThat(done.get("phase")).as(done.toString()).isEqualTo("Succeeded");
    assertThat(((Number) done.get("written")).longValue()).isEqualTo(1); // the changed file
    Job job = restoreJobs(s.ns, "into-live-allowed").get(0);
    assertThat(JobNodes.pinnedTo(job)).containsExactly(node);
    assertThat(Pods.hashes(s.ns, "hash-restored", "app-data")).isEqualTo(backedUp);
    assertThat(pods(s.ns).withName("app-0").get().getStatus().getPhase()).isEqualTo("Running");
    pods(s.ns).withName("app-0").delete();
  }

  private static String restore(String ns, String name, String allow) {
    return """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: %s, namespace: %s}
        spec:
          policyRef: {name: app-data}
          target:
            pvc: app-data
            %s
        """
        .formatted(name, ns, allow);
  }

  /** Pod app-0, which mounts {@code claim} at /data and runs until deleted; as it runs. */
  private static Pod startApp(String ns, String claim) {
    pods(ns).resource(Pods.pod(ns, "app-0", List.of("sleep", "3600"), List.of(), claim)).create();
    return pods(ns)
        .withName("app-0")
        .waitUntilCondition(
            p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()),
            2,
            TimeUnit.MINUTES);
  }

  private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          Pod,
          io.fabric8.kubernetes.api.model.PodList,
          io.fabric8.kubernetes.client.dsl.PodResource>
      pods(String ns) {
    return Cluster.get().client().pods().inNamespace(ns);
  }

  private static List<Job> restoreJobs(String ns, String request) {
    return Cluster.get()
        .client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withLabel("arca.dev/restore", request)
        .list()
        .getItems();
  }
}
