package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.testcluster.cluster.Kubectl;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Exec through the real API server into a container of the kubelet stand-in: {@code kubectl exec}
 * and {@code arca pod-exec} (the dump sources' and restore pipes' path) see the container's files,
 * get its exit code, and send stdin to its end.
 */
class ExecTest {
  static final String NS = "exec-test";

  @Test
  void kubectlExecAndArcaPodExecRunInTheContainer() throws Exception {
    Cluster.kubelet();
    Cluster.namespace(NS);
    var pods = Cluster.get().client().pods().inNamespace(NS);
    pods.resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("shell")
                .addToLabels("app", "shell")
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withNewSecurityContext()
                .withRunAsUser(0L)
                .endSecurityContext()
                .addNewContainer()
                .withName("main")
                .withImage(Cluster.image())
                .withCommand("sh", "-c", "echo marker > /tmp/inside; exec sleep 600")
                .endContainer()
                .endSpec()
                .build())
        .create();
    pods.withName("shell")
        .waitUntilCondition(
            p -> p != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);

    Kubectl.Result k =
        Cluster.get()
            .kubectl(
                "exec",
                "-n",
                NS,
                "shell",
                "--",
                "sh",
                "-c",
                // Running is reported when the container starts, maybe before its first line ran
                "i=0; until [ -f /tmp/inside ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i+1)); done;"
                    + " cat /tmp/inside; echo to-stderr >&2; exit 3");
    assertThat(k.exitCode()).as(k.stderr()).isEqualTo(3);
    assertThat(k.stdout()).as(k.stderr()).isEqualTo("marker\n");
    assertThat(k.stderr()).contains("to-stderr");

    Path work = Files.createTempDirectory(Cluster.get().dir(), "exec-");
    Run r =
        arca(
            work,
            null,
            "pod-exec",
            "-n",
            NS,
            "--pod",
            "shell",
            "--",
            "sh",
            "-c",
            "hostname; exit 4");
    assertThat(r.exit).as(r.err).isEqualTo(4);
    assertThat(r.out).isEqualTo("shell\n");

    // stdin to its end: a 3 MiB body through the selector, hashed in the container
    byte[] body = new byte[3 << 20];
    new Random(7).nextBytes(body);
    Path input = Files.write(work.resolve("input.bin"), body);
    r = arca(work, input, "pod-exec", "-n", NS, "-l", "app=shell", "--stdin", "--", "sha256sum");
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.split(" ")[0])
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));

    r = arca(work, null, "pod-exec", "-n", NS, "-l", "app=nothing", "--", "true");
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.err).contains("no running and ready pod in namespace exec-test");
    pods.withName("shell").delete();
  }

  record Run(int exit, String out, String err) {}

  /** The arca launcher with the admin kubeconfig, stdin from {@code input} (or nothing). */
  static Run arca(Path work, Path input, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Cluster.CHECKOUT.resolve("operator/cli/target/arca").toAbsolutePath().toString());
    cmd.addAll(List.of(args));
    Path out = work.resolve("out-" + System.nanoTime());
    Path err = work.resolve("err-" + System.nanoTime());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(
                input == null
                    ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                    : ProcessBuilder.Redirect.from(input.toFile()));
    pb.environment().put("KUBECONFIG", Cluster.get().kubeconfig().toString());
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("arca " + List.of(args) + " did not end");
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
