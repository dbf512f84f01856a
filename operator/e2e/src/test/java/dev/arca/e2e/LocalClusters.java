package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * What the tests that run a document's commands on a local cluster of their own share (the README's
 * walk-through, the disaster-recovery runbook): the document's marked shell blocks, bash from the
 * checkout, a client of that cluster, and the host folder behind a volume.
 */
final class LocalClusters {
  private LocalClusters() {}

  /**
   * The shell blocks of {@code doc} marked {@code <!-- MARK: NAME -->} ... {@code <!-- /MARK -->},
   * by name, in order.
   */
  static Map<String, String> blocks(Path doc, String mark) throws IOException {
    Pattern block =
        Pattern.compile(
            "<!-- " + mark + ": ([a-z-]+) -->\\s*```sh\\n(.*?)```\\s*<!-- /" + mark + " -->",
            Pattern.DOTALL);
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = block.matcher(Files.readString(doc));
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  /** Runs {@code script} with bash -euo pipefail from the checkout; its exit status. */
  static int bash(String script, Path log, int minutes) throws Exception {
    Process p =
        new ProcessBuilder(List.of("bash", "-euo", "pipefail", "-c", script))
            .directory(Cluster.CHECKOUT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          "the commands did not end in " + minutes + " minutes:\n" + tail(log));
    }
    return p.exitValue();
  }

  /** The last 80 lines of {@code log}. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** A client of the local cluster whose env file is in {@code state}. */
  static KubernetesClient client(Path state) throws IOException {
    String kubeconfig = null;
    for (String line : Files.readAllLines(state.resolve("env"))) {
      if (line.startsWith("export KUBECONFIG=")) {
        kubeconfig = line.substring("export KUBECONFIG=".length());
      }
    }
    assertThat(kubeconfig).as("KUBECONFIG in the env file").isNotNull();
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig))))
        .build();
  }

  /** The host folder of the local node's volume bound to the claim NS/NAME. */
  static Path volume(KubernetesClient k, String ns, String claim) {
    String pv =
        k.persistentVolumeClaims().inNamespace(ns).withName(claim).get().getSpec().getVolumeName();
    PersistentVolume v = k.persistentVolumes().withName(pv).get();
    return Path.of(v.getSpec().getHostPath().getPath());
  }
}
