package dev.arca.e2e;

import dev.arca.e2e.cluster.LocalCluster;
import dev.arca.e2e.kubelet.KubeletStandIn;
import java.nio.file.Path;
import java.util.Set;

/** One local control plane for the test JVM, with Arca's CRDs applied; stopped at exit. */
final class Cluster {
  static final Path CHECKOUT = Path.of(System.getProperty("arca.checkout", "../.."));

  /** The image name the kubelet stand-in runs (the chart's default image). */
  static final String IMAGE = "ghcr.io/arca-dev/arca:0.1.0";

  private static LocalCluster cluster;
  private static KubeletStandIn kubelet;
  private static boolean operator;

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

  /** The cluster's one node, started on first use. */
  static synchronized KubeletStandIn kubelet() {
    if (kubelet == null) {
      kubelet =
          new KubeletStandIn(
              get(),
              "node-1",
              CHECKOUT.resolve("operator/cli/target"),
              Set.of(IMAGE),
              Set.of(dev.arca.it.S3Servers.minio().getPort()));
      Runtime.getRuntime().addShutdownHook(new Thread(kubelet::close));
    }
    return kubelet;
  }

  /**
   * The chart installed as release "arca" in arca-system with its defaults, its operator running as
   * a pod on the stand-in's node.
   */
  static synchronized void operator() {
    kubelet();
    if (!operator) {
      Charts.install("arca", "arca-system", "");
      get()
          .kubectl("rollout", "status", "-n", "arca-system", "deployment/arca", "--timeout=120s")
          .orFail();
      operator = true;
    }
  }

  /** Creates the namespace unless it exists (tests share the cluster, in any order). */
  static void namespace(String name) {
    get()
        .client()
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .build())
        .serverSideApply();
  }

  /**
   * {@code content} in a new file of the cluster's folder (manifests, values), for kubectl or helm.
   */
  static Path file(String content) {
    try {
      Path f = java.nio.file.Files.createTempFile(get().dir(), "manifest-", ".yaml");
      java.nio.file.Files.writeString(f, content);
      return f;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
