package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.samples.TreeDigest;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Kubernetes walk-through, run as written: the shell blocks it marks {@code
 * readme-test} (start a local cluster, install the chart, back up a PVC, restore it into a new one,
 * stop) in one bash, from the checkout's root, on a local cluster of their own (not the tier's
 * cluster); then the restored volume is compared with the original file by file.
 */
class ReadmeTest {
  static final Path README = Cluster.CHECKOUT.resolve("README.md");
  static final Path STATE = Path.of("/tmp/arca-local");
  static final Pattern BLOCK =
      Pattern.compile(
          "<!-- readme-test: ([a-z-]+) -->\\s*```sh\\n(.*?)```\\s*<!-- /readme-test -->",
          Pattern.DOTALL);

  /** The README's marked shell blocks by name, in order. */
  static Map<String, String> blocks() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = BLOCK.matcher(Files.readString(README));
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  @Test
  void theKubernetesSectionsCommandsWorkAsWritten() throws Exception {
    Map<String, String> blocks = blocks();
    assertThat(blocks.keySet())
        .containsExactly("local-cluster", "install", "backup", "restore", "stop");
    assertThat(Files.exists(STATE.resolve("pid")) && alive(STATE.resolve("pid")))
        .as("a local cluster started by hand runs in %s; stop it first", STATE)
        .isFalse();
    Path log = Files.createTempFile("arca-readme-", ".log");
    try {
      String script =
          blocks.get("local-cluster")
              + blocks.get("install")
              + blocks.get("backup")
              + blocks.get("restore");
      int exit = bash(script, log, 20);
      assertThat(exit).as("the README's commands; their output:\n%s", tail(log)).isZero();
      compareVolumes();
    } finally {
      bash(blocks.get("stop"), log, 2);
      Files.deleteIfExists(Cluster.CHECKOUT.resolve("repository-password"));
    }
  }

  /** The restored copy holds exactly the original's files, byte for byte. */
  private static void compareVolumes() throws IOException {
    String kubeconfig = null;
    for (String line : Files.readAllLines(STATE.resolve("env"))) {
      if (line.startsWith("export KUBECONFIG=")) {
        kubeconfig = line.substring("export KUBECONFIG=".length());
      }
    }
    assertThat(kubeconfig).as("KUBECONFIG in the env file").isNotNull();
    try (KubernetesClient k =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig))))
            .build()) {
      Map<String, String> original = TreeDigest.of(volume(k, "model-weights"));
      Map<String, String> copy = TreeDigest.of(volume(k, "model-weights-copy"));
      assertThat(original).containsKey("model/model.safetensors").hasSize(7);
      assertThat(copy).isEqualTo(original);
    }
  }

  /** The host folder of the local node's volume bound to the claim llm/NAME. */
  private static Path volume(KubernetesClient k, String claim) {
    String pv =
        k.persistentVolumeClaims()
            .inNamespace("llm")
            .withName(claim)
            .get()
            .getSpec()
            .getVolumeName();
    PersistentVolume v = k.persistentVolumes().withName(pv).get();
    return Path.of(v.getSpec().getHostPath().getPath());
  }

  /** Runs {@code script} with bash -euo pipefail from the checkout; its exit status. */
  private static int bash(String script, Path log, int minutes) throws Exception {
    Process p =
        new ProcessBuilder(List.of("bash", "-euo", "pipefail", "-c", script))
            .directory(Cluster.CHECKOUT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          "the README's commands did not end in " + minutes + " minutes:\n" + tail(log));
    }
    return p.exitValue();
  }

  private static boolean alive(Path pid) throws IOException {
    return Files.exists(Path.of("/proc", Files.readString(pid).strip()));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
