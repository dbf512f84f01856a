package dev.arca.testcluster.local;

import dev.arca.testcluster.cluster.LocalCluster;
import dev.arca.testcluster.kubelet.KubeletStandIn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A local cluster to try Arca by hand, until SIGTERM: the end-to-end tier's control plane, one
 * kubelet stand-in node that runs the arca image as the launcher in ARCA_HOME, and (with {@code
 * --minio}) a MinIO server with a bucket. It writes a shell file to source: KUBECONFIG, PATH and
 * the S3 settings. {@code operator/test-cluster/local-cluster} starts and stops it.
 *
 * <p>Options: {@code --env FILE} (required), {@code --arca-home DIR} (default operator/cli/target),
 * {@code --image NAME} (repeatable; default the chart's image), {@code --minio BINARY}, {@code
 * --bucket NAME} (default arca-demo), {@code --path DIR} (repeatable: put on PATH in the env file),
 * {@code --host-port PORT} (repeatable: another host port pods may reach).
 */
public final class LocalSetup {
  /** The chart's default image, which the node runs unless told otherwise. */
  static final String CHART_IMAGE = "ghcr.io/arca-dev/arca:0.1.0";

  private LocalSetup() {}

  public static void main(String[] args) throws Exception {
    Path env = null;
    Path arcaHome = Path.of("operator/cli/target");
    Set<String> images = new LinkedHashSet<>();
    Path minioBinary = null;
    String bucket = "arca-demo";
    List<String> path = new ArrayList<>();
    Set<Integer> ports = new TreeSet<>();
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--env" -> env = Path.of(v);
        case "--arca-home" -> arcaHome = Path.of(v);
        case "--image" -> images.add(v);
        case "--minio" -> minioBinary = Path.of(v);
        case "--bucket" -> bucket = v;
        case "--path" -> path.add(v);
        case "--host-port" -> ports.add(Integer.parseInt(v));
        default -> usage("unknown option " + args[i]);
      }
      if (v == null) {
        usage(args[i] + " needs a value");
      }
      i++;
    }
    if (env == null) {
      usage("--env FILE is required");
    }
    if (System.getProperty("arca.checkout") == null) {
      System.setProperty("arca.checkout", "."); // where .ci/kube-tools.sh is
    }
    if (images.isEmpty()) {
      images.add(CHART_IMAGE);
    }
    LocalCluster cluster = LocalCluster.start();
    List<AutoCloseable> open = new ArrayList<>();
    open.add(cluster);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(open)));
    StringBuilder out = new StringBuilder();
    out.append("export KUBECONFIG=").append(cluster.kubeconfig()).append('\n');
    path.add(0, dev.arca.testcluster.cluster.Tools.dir().toString());
    path.add(arcaHome.toAbsolutePath().normalize().toString());
    out.append("export PATH=\"").append(String.join(":", path)).append(":$PATH\"\n");
    if (minioBinary != null) {
      MinioProcess minio = new MinioProcess(minioBinary, cluster.dir().resolve("minio"));
      open.add(minio);
      minio.bucket(bucket);
      ports.add(minio.endpoint.getPort());
      out.append("export S3_ENDPOINT=").append(minio.endpoint).append('\n');
      out.append("export BUCKET=").append(bucket).append('\n');
      out.append("export AWS_REGION=us-east-1\n");
      out.append("export AWS_ACCESS_KEY_ID=").append(minio.accessKey).append('\n');
      out.append("export AWS_SECRET_ACCESS_KEY=").append(minio.secretKey).append('\n');
    }
    KubeletStandIn node = new KubeletStandIn(cluster, "node-1", arcaHome, images, ports);
    open.add(node);
    write(env, out.toString());
    System.out.println("ready: . " + env + "  (" + cluster.dir() + " holds logs and volumes)");
    System.out.flush();
    Thread.currentThread().join();
  }

  /** Writes the env file whole (readers wait for it to appear), readable by its owner only. */
  private static void write(Path env, String content) throws IOException {
    Path tmp = env.resolveSibling(env.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    tmp.toFile().setReadable(false, false);
    tmp.toFile().setReadable(true, true);
    Files.move(tmp, env, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Newest first: the node before the cluster it registered with. */
  private static void closeAll(List<AutoCloseable> open) {
    for (int i = open.size() - 1; i >= 0; i--) {
      AutoCloseable c = open.get(i);
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("stopping " + c + ": " + e.getMessage());
      }
    }
  }

  private static void usage(String problem) {
    System.err.println("LocalSetup: " + problem);
    System.err.println(
        "usage: LocalSetup --env FILE [--arca-home DIR] [--image NAME]... [--minio BINARY]"
            + " [--bucket NAME] [--path DIR]... [--host-port PORT]...");
    System.exit(2);
  }
}
