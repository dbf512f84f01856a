package dev.arca.e2e;

import dev.arca.e2e.cluster.LocalCluster;
import java.nio.file.Path;

/** One local control plane for the test JVM, with Arca's CRDs applied; stopped at exit. */
final class Cluster {
  static final Path CHECKOUT = Path.of(System.getProperty("arca.checkout", "../.."));
  private static LocalCluster cluster;

  private Cluster() {}

  static synchronized LocalCluster get() {
    if (cluster == null) {
      cluster = LocalCluster.start();
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
      cluster.kubectl("apply", "-f", CHECKOUT.resolve("crds").toString()).orFail();
      cluster
          .kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all")
          .orFail();
    }
    return cluster;
  }
}
