package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.testcluster.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The kubelet stand-in runs pods as a kubelet would, as far as Arca's Jobs can tell. */
class KubeletStandInTest {
  static final String NS = "kubelet-test";

  @BeforeAll
  static void namespaceAndClaim() {
    Cluster.kubelet();
    Cluster.namespace(NS);
    Cluster.claim(NS, "data");
    Cluster.get()
        .client()
        .persistentVolumeClaims()
        .inNamespace(NS)
        .withName("data")
        .waitUntilCondition(
            p -> p != null && "Bound".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
  }

  @Test
  void aPodSeesItsVolumeReadOnlyAndReportsExitCodeTerminationMessageAndLogs() throws Exception {
    LocalCluster c = Cluster.local();
    Files.writeString(Cluster.kubelet().claimFolder(NS, "data").resolve("in.txt"), "hello");

    Pod done =
        run(
            "reader",
            Cluster.IMAGE,
            List.of(
                "/bin/sh",
                "-c",
                "cat /data/in.txt > /dev/termination-log; echo uid=$(id -u);"
                    + " touch /data/x 2>/dev/null && echo wrote; touch /etc/x 2>/dev/null"
                    + " && echo wrote-root; exit 3"));
    assertThat(done.getStatus().getPhase()).isEqualTo("Failed");
    var terminated = done.getStatus().getContainerStatuses().get(0).getState().getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(3);
    assertThat(terminated.getMessage()).isEqualTo("hello");
    String logs = c.kubectl("logs", "-n", NS, "reader").orFail().stdout();
    assertThat(logs).contains("uid=0").doesNotContain("wrote");
  }

  @Test
  void aPodOfAnUnknownImageFailsToStartWithTheReason() {
    Pod p =
        Cluster.get()
            .client()
            .pods()
            .inNamespace(NS)
            .resource(pod("unknown", "docker.io/library/nginx:1.27", List.of("nginx")))
            .create();
    Pod waiting =
        Cluster.get()
            .client()
            .pods()
            .resource(p)
            .waitUntilCondition(
                x ->
                    x.getStatus().getContainerStatuses().size() == 1
                        && x.getStatus().getContainerStatuses().get(0).getState().getWaiting()
                            != null,
                60,
                TimeUnit.SECONDS);
    var w = waiting.getStatus().getContainerStatuses().get(0).getState().getWaiting();
    assertThat(w.getReason()).isEqualTo("ErrImagePull");
    assertThat(w.getMessage()).contains("nginx:1.27");
  }

  @Test
  void theArcaLauncherRunsAsTheImagesEntrypoint() {
    Pod done = run("version", Cluster.IMAGE, List.of());
    assertThat(done.getStatus().getPhase()).as(done.getStatus().toString()).isEqualTo("Succeeded");
    String logs = Cluster.get().kubectl("logs", "-n", NS, "version").orFail().stdout();
    assertThat(logs).contains("Usage: arca");
  }

  private static Pod run(String name, String image, List<String> command) {
    Pod p =
        Cluster.get().client().pods().inNamespace(NS).resource(pod(name, image, command)).create();
    return Cluster.get()
        .client()
        .pods()
        .resource(p)
        .waitUntilCondition(
            x ->
                x != null
                    && ("Succeeded".equals(x.getStatus().getPhase())
                        || "Failed".equals(x.getStatus().getPhase())),
            Duration.ofSeconds(90).toSeconds(),
            TimeUnit.SECONDS);
  }

  private static Pod pod(String name, String image, List<String> command) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsUser(0L)
        .endSecurityContext()
        .addNewContainer()
        .withName("main")
        .withImage(image)
        .withCommand(command)
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .withReadOnly(true)
        .endVolumeMount()
        .withNewSecurityContext()
        .withReadOnlyRootFilesystem(true)
        .endSecurityContext()
        .endContainer()
        .addNewVolume()
        .withName("data")
        .withNewPersistentVolumeClaim()
        .withClaimName("data")
        .endPersistentVolumeClaim()
        .endVolume()
        .endSpec()
        .build();
  }
}
