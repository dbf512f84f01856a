package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.samples.TreeDigest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

  /** The README's marked shell blocks by name, in order. */
  static Map<String, String> blocks() throws IOException {
    return LocalClusters.blocks(README, "readme-test");
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
    try (KubernetesClient k = LocalClusters.client(STATE)) {
      Map<String, String> original = TreeDigest.of(LocalClusters.volume(k, "llm", "model-weights"));
      Map<String, String> copy =
          TreeDigest.of(LocalClusters.volume(k, "llm", "model-weights-copy"));
      assertThat(original).containsKey("model/model.safetensors").hasSize(7);
      assertThat(copy).isEqualTo(original);
    }
  }

  private static int bash(String script, Path log, int minutes) throws Exception {
    return LocalClusters.bash(script, log, minutes);
  }

  private static String tail(Path log) {
    return LocalClusters.tail(log);
  }

  private static boolean alive(Path pid) throws IOException {
    return Files.exists(Path.of("/proc", Files.readString(pid).strip()));
  }
}
