package dev.arca.e2e.kubelet;

import dev.arca.e2e.cluster.LocalCluster;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * A local control plane with one stand-in node, by hand, until interrupted: what the end-to-end
 * tests' real-cluster mode can be tried against on a machine without a container runtime.
 *
 * <p>Arguments: {@code IMAGE ARCA_HOME [HOST_PORT...]}: the image name the node runs as the arca
 * launcher in ARCA_HOME (operator/cli/target), and host ports its pods may reach (an S3 server's).
 */
public final class LocalNode {
  private LocalNode() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2) {
      System.err.println("usage: LocalNode IMAGE ARCA_HOME [HOST_PORT...]");
      System.exit(2);
    }
    Set<Integer> ports = new TreeSet<>();
    for (int i = 2; i < args.length; i++) {
      ports.add(Integer.parseInt(args[i]));
    }
    LocalCluster c = LocalCluster.start();
    KubeletStandIn node = new KubeletStandIn(c, "node-1", Path.of(args[1]), Set.of(args[0]), ports);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  c.close();
                }));
    System.out.println("export KUBECONFIG=" + c.kubeconfig());
    System.out.println("(Ctrl-C stops the cluster and removes " + c.dir() + ")");
    Thread.currentThread().join();
  }
}
