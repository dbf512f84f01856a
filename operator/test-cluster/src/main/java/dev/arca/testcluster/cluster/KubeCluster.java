package dev.arca.testcluster.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;

/**
 * A cluster the end-to-end tests drive as a user would: an admin client, kubectl and helm through
 * one kubeconfig, and a folder for the files they apply. {@link LocalCluster} starts one here;
 * {@link ExternalCluster} is any cluster a kubeconfig points at.
 */
public interface KubeCluster extends AutoCloseable {
  /** A client with the kubeconfig's (admin) rights. */
  KubernetesClient client();

  /** The kubeconfig kubectl and helm use. */
  Path kubeconfig();

  /** A folder of this run for manifests, values and logs. */
  Path dir();

  /** Runs kubectl with {@link #kubeconfig()}. */
  default Kubectl.Result kubectl(String... args) {
    return Kubectl.run(kubeconfig(), List.of(args));
  }

  @Override
  void close();
}
