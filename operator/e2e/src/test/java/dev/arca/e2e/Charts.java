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

  /**
   * {@link #upgrade} of the tests' release "arca" with {@code values} on top of its own, then its
   * rollout awaited (at most 3 minutes): the operator runs with them when this returns.
   */
  static void upgradeOperator(String values) {
    String status = upgrade("arca", Cluster.OPERATOR_NAMESPACE, values).getStatus();
    if (!"deployed".equals(status)) {
      throw new AssertionError("helm upgrade with " + values + " ended " + status);
    }
    Cluster.get()
        .kubectl(
            "rollout",
            "status",
            "-n",
            Cluster.OPERATOR_NAMESPACE,
            "deployment/arca",
            "--timeout=180s")
        .orFail();
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
