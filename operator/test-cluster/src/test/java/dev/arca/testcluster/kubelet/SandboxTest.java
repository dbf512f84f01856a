package dev.arca.testcluster.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sandbox script and the identity a pod's security contexts give (no root needed). */
class SandboxTest {
  @Test
  void volumesAreBoundAtTheirPathsReadOnlyWhereAskedAndTheRootIsReadOnlyLast() {
    String s =
        Sandbox.script(
            Path.of("/run/pod/rootfs"),
            List.of(
                new Sandbox.Mount(Path.of("/tmp"), "/data/model weights", true),
                new Sandbox.Mount(Path.of("/var/tmp"), "/target", false)),
            Path.of("/run/pod/termination-log-0"),
            true,
            Sandbox.Identity.ROOT,
            List.of(new PortForwards.Forward(6443, Path.of("/run/fwd/6443.sock"))),
            List.of("arca", "backup", "it's"));
    assertThat(s)
        .contains("mount --bind '/tmp' \"$R\"'/data/model weights'")
        .contains("mount -o remount,bind,ro \"$R\"'/data/model weights'")
        .doesNotContain("mount -o remount,bind,ro \"$R\"'/target'")
        .contains(
            "socat TCP-LISTEN:6443,bind=127.0.0.1,fork,reuseaddr 'UNIX-CONNECT:/run/fwd/6443.sock' &")
        .contains("mount --bind '/run/pod/termination-log-0' \"$R/dev/termination-log\"");
    assertThat(s.indexOf("mount -o remount,ro \"$R\""))
        .as("the root turns read-only after every mount point is made")
        .isGreaterThan(s.lastIndexOf("mkdir -p"));
    assertThat(s.strip()).endsWith("'arca' 'backup' 'it'\\''s'");
  }

  @Test
  void aRootJobKeepsOnlyItsCapabilitiesAndANonRootPodItsUserAndGroups() throws Exception {
    Sandbox.Identity root =
        PodRunner.identity(
            new PodSecurityContextBuilder().withRunAsUser(0L).withRunAsGroup(0L).build(),
            new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .withAdd("CHOWN", "DAC_READ_SEARCH")
                .endCapabilities()
                .build());
    assertThat(Sandbox.setpriv(root))
        .containsExactly(
            "/usr/bin/setpriv",
            "--bounding-set=-all,+chown,+dac_read_search",
            "--inh-caps=-all",
            "--no-new-privs",
            "--");
    Sandbox.Identity user =
        PodRunner.identity(
            new PodSecurityContextBuilder().withRunAsUser(2000L).withFsGroup(3000L).build(), null);
    assertThat(Sandbox.setpriv(user))
        .containsExactly("/usr/bin/setpriv", "--reuid=2000", "--regid=2000", "--groups=3000", "--");
    // no user at all: the image's USER
    assertThat(PodRunner.identity(null, null).uid()).isEqualTo(PodRunner.IMAGE_USER);
  }

  @Test
  void runAsNonRootWithUserZeroDoesNotStartAsAKubeletRefusesIt() {
    assertThatThrownBy(
            () ->
                PodRunner.identity(
                    new PodSecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(0L)
                        .build(),
                    null))
        .hasMessageContaining("runAsNonRoot");
  }

  @Test
  void logTailsCountLinesFromTheEnd() {
    byte[] log = "a\nb\nc\n".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(KubeletServer.tail(log, 2), StandardCharsets.UTF_8)).isEqualTo("b\nc\n");
    assertThat(new String(KubeletServer.tail(log, 10), StandardCharsets.UTF_8))
        .isEqualTo("a\nb\nc\n");
    assertThat(KubeletServer.tail(log, 0)).isEmpty();
  }
}
