package dev.arca.testcluster.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cluster started elsewhere (kind, a cloud cluster), reached through a kubeconfig with admin
 * rights. Nothing is started or stopped; the tests clean up what they create.
 */
public final class ExternalCluster implements KubeCluster {
  private final Path kubeconfig;
  private final KubernetesClient client;
  private final Path dir;

  /**
   * @param kubeconfig a kubeconfig whose current context has rights to install CRDs and a chart
   */
  public ExternalCluster(Path kubeconfig) {
    if (!Files.isReadable(kubeconfig)) {
      throw new IllegalArgumentException(
          "cannot read the kubeconfig "
              + kubeconfig
              + "; set arca.e2e.kubeconfig to a readable kubeconfig of the cluster to test");
    }
    this.kubeconfig = kubeconfig.toAbsolutePath();
    try {
      this.client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
              .build();
      this.dir = Files.createTempDirectory("arca-e2e-external-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    client.close();
  }
}
