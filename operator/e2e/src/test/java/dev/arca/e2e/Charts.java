package dev.arca.e2e;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        .withValuesFile(file(values))
        .withKubeConfig(Cluster.get().kubeconfig())
        .call();
  }

  /** helm upgrade of the release, keeping its values and setting {@code values} (YAML) on top. */
  static Release upgrade(String name, String namespace, String values) {
    return CHART
        .upgrade()
        .withName(name)
        .withNamespace(namespace)
        .reuseValues()
        .withValuesFile(file(values))
        .withKubeConfig(Cluster.get().kubeconfig())
        .call();
  }

  private static Path file(String values) {
    try {
      Path file = Files.createTempFile(Cluster.get().dir(), "values-", ".yaml");
      Files.writeString(file, values);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
