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

  /** Installs helm/arca as {@code name} into {@code namespace} with {@code values} (YAML). */
  static Release install(String name, String namespace, String values) {
    try {
      Path file = Files.createTempFile(Cluster.get().dir(), name + "-values-", ".yaml");
      Files.writeString(file, values);
      return new Helm(Cluster.CHECKOUT.resolve("helm/arca"))
          .install()
          .withName(name)
          .withNamespace(namespace)
          .createNamespace()
          .withValuesFile(file)
          .withKubeConfig(Cluster.get().kubeconfig())
          .call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
