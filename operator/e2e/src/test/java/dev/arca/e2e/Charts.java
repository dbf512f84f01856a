package dev.arca.e2e;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;

/** helm install of the checkout's chart into the test cluster (helm-java, in-process). */
final class Charts {
  private Charts() {}

  static final Helm CHART = new Helm(Cluster.CHECKOUT.resolve("helm/arca"));

  /** Installs helm/arca as {@code name} into {@code namespace} with {@code values} (YAML). */
  static Release install(String name, String namespace, String values) {
    return CHART
        .install()
        .withName(name)
        .withNamespace(namespace)
        .createNamespace()
        .withValuesFile(Cluster.file(values))
        .withKubeConfig(Cluster.get().kubeconfig())
        .call();
  }

  /** helm uninstall of the release (best effort: it runs at exit). */
  static void uninstall(String name, String namespace) {
    try {
      Helm.uninstall(name)
          .withNamespace(namespace)
          .withKubeConfig(Cluster.get().kubeconfig())
          .call();
    } catch (RuntimeException e) {
      System.err.println("helm uninstall " + name + " failed: " + e.getMessage());
    }
  }

  /** helm upgrade of the release, keeping its values and setting {@code values} (YAML) on top. */
  static Release upgrade(String name, String namespace, String values) {
    return CHART
        .upgrade()
        .withName(name)
        .withNamespace(namespace)
        .reuseValues()
        .withValuesFile(Cluster.file(values))
        .withKubeConfig(Cluster.get().kubeconfig())
        .call();
  }
}
