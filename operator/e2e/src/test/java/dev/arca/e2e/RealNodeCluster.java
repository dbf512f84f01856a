package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.testcluster.cluster.LocalCluster;
import dev.arca.testcluster.cluster.Tools;
import dev.arca.testcluster.csi.CsiHostpath;
import dev.arca.testcluster.node.NodeTools;
import dev.arca.testcluster.node.RealNode;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end tier's real-node mode ({@code -Darca.e2e.realnode=true}; the e2e pom's {@code
 * real-node} execution sets it when the image is built): the local control plane with a {@link
 * RealNode} (containerd, runc, CNI, kubelet, kube-proxy) and {@link CsiHostpath} storage (the
 * default StorageClass provisions every claim; a claim's files are a folder of the node, see {@link
 * #volumeFolder}), Arca's image from operator/image/target/arca-image.tar imported into containerd,
 * and the chart installed by the README's install block with that image. Tests written with pods
 * and kubectl alone run here unchanged: their pods and Jobs are real containers.
 *
 * <p>MinIO runs on the host's loopback; {@link #podAddress} bridges its port into the node, where
 * pods reach it at the node IP. Nothing reaches any other address.
 */
final class RealNodeCluster implements AutoCloseable {
  /** The image the build names and the chart is installed with. */
  static final String IMAGE = "arca:dev";

  /** The chart's default image: the built image carries this name too, as a registry would. */
  static final String CHART_DEFAULT_IMAGE = Cluster.IMAGE;

  /** The README's helm install line; the tier appends its values file (the image) to it. */
  static final String README_HELM_INSTALL =
      "helm install arca helm/arca -n arca-system --create-namespace";

  private final LocalCluster cluster;
  private final RealNode node;
  private final CsiHostpath csi;
  private final Map<Integer, String> bridged = new HashMap<>();

  /** How long each step of the start took, for the tier's log. */
  final Map<String, String> times = new LinkedHashMap<>();

  private RealNodeCluster(LocalCluster cluster, RealNode node, CsiHostpath csi) {
    this.cluster = cluster;
    this.node = node;
    this.csi = csi;
  }

  /** Starts the control plane, the node and its storage, and imports the image. */
  static RealNodeCluster start() {
    Path archive = Cluster.CHECKOUT.resolve("operator/image/target/arca-image.tar");
    if (!Files.isRegularFile(archive)) {
      throw new IllegalStateException(
          "the real-node mode runs Arca's image, "
              + archive
              + ", which operator/image builds in `verify` with -Darca.image.base (README, \"The"
              + " image\")");
    }
    Optional<String> lacks = NodeTools.hostLacks();
    if (lacks.isPresent()) {
      throw new IllegalStateException("this host cannot run a real node: it lacks " + lacks.get());
    }
    Instant t0 = Instant.now();
    LocalCluster c = LocalCluster.start();
    RealNode n = null;
    CsiHostpath s = null;
    try {
      n = RealNode.start(c);
      Instant t = Instant.now();
      n.importImage(archive);
      n.tagImage("docker.io/library/" + IMAGE, CHART_DEFAULT_IMAGE); // containerd's full name
      Duration imported = Duration.between(t, Instant.now());
      s = CsiHostpath.deploy(c, n);
      RealNodeCluster r = new RealNodeCluster(c, n, s);
      r.times.put("node Ready", ms(n.readyAfter()));
      r.times.put("image import", ms(imported));
      r.times.put("CSI storage ready", ms(s.readyAfter()));
      r.times.put(
          "control plane, node, image and storage", ms(Duration.between(t0, Instant.now())));
      return r;
    } catch (RuntimeException | Error e) {
      if (s != null) {
        s.close();
      }
      if (n != null) {
        n.close();
      }
      c.close();
      throw e;
    }
  }

  LocalCluster cluster() {
    return cluster;
  }

  RealNode node() {
    return node;
  }

  /**
   * The address pods use for a server on the host's {@code 127.0.0.1:port}: {@code NODE_IP:port},
   * bridged on first use.
   */
  synchronized String podAddress(int port) {
    return bridged.computeIfAbsent(port, node::exposeHostPort);
  }

  /**
   * The folder of the node that holds the files of the claim {@code ns/name} (bound by the CSI
   * driver): tests write a source's files there and read a restored volume's files back.
   */
  Path volumeFolder(String ns, String name) {
    PersistentVolumeClaim claim =
        cluster
            .client()
            .persistentVolumeClaims()
            .inNamespace(ns)
            .withName(name)
            .waitUntilCondition(
                p -> p != null && p.getStatus() != null && "Bound".equals(p.getStatus().getPhase()),
                60,
                TimeUnit.SECONDS);
    PersistentVolume pv =
        cluster.client().persistentVolumes().withName(claim.getSpec().getVolumeName()).get();
    if (pv == null || pv.getSpec().getCsi() == null) {
      throw new IllegalStateException(
          "claim " + ns + "/" + name + " is not bound to a volume of the CSI driver: " + pv);
    }
    return csi.dataDir().resolve("volumes").resolve(pv.getSpec().getCsi().getVolumeHandle());
  }

  /**
   * The README's install block, run as written from the checkout with kubectl and helm on the PATH,
   * its {@code helm install} line given one more argument: {@code -f VALUES} with {@code values}
   * (the image under test and the tier's settings).
   */
  void installOperator(String values) throws IOException {
    String install = ReadmeTest.blocks().get("install");
    assertThat(install).contains(README_HELM_INSTALL);
    Path file = Files.createTempFile(cluster.dir(), "values-", ".yaml");
    Files.writeString(file, values);
    Instant t = Instant.now();
    String out =
        bash(install.replace(README_HELM_INSTALL, README_HELM_INSTALL + " -f " + file), Map.of());
    times.put("helm install to operator Ready", ms(Duration.between(t, Instant.now())));
    System.out.println("README install block:\n" + install + "\n" + out);
  }

  /**
   * Runs {@code script} with bash -euo pipefail from the checkout, kubectl and helm on the PATH and
   * {@code env} set; fails with its output unless it exits 0; returns its output.
   */
  String bash(String script, Map<String, String> env) {
    return bash(script, env, List.of());
  }

  /** {@link #bash(String, Map)} with these folders first on the PATH. */
  String bash(String script, Map<String, String> env, List<Path> path) {
    try {
      ProcessBuilder pb =
          new ProcessBuilder(List.of("bash", "-euo", "pipefail", "-c", script))
              .directory(Cluster.CHECKOUT.toFile())
              .redirectErrorStream(true);
      pb.environment().putAll(env);
      pb.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
      StringBuilder p = new StringBuilder();
      path.forEach(d -> p.append(d).append(':'));
      p.append(helm().getParent())
          .append(':')
          .append(Tools.binary("kubectl").getParent())
          .append(':')
          .append(System.getenv("PATH"));
      pb.environment().put("PATH", p.toString());
      Process proc = pb.start();
      byte[] out = proc.getInputStream().readAllBytes();
      if (!proc.waitFor(10, TimeUnit.MINUTES)) {
        proc.destroyForcibly();
      }
      String text = new String(out, StandardCharsets.UTF_8);
      assertThat(proc.exitValue()).as("the script:\n%s\nits output:\n%s", script, text).isZero();
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path helmBinary;

  /** helm, from .ci/go-tools.sh helm (built once and cached). */
  static synchronized Path helm() {
    if (helmBinary == null) {
      helmBinary = Tools.runScript(".ci/go-tools.sh", "helm");
    }
    return helmBinary;
  }

  /** What the node's daemons and the CSI driver last said, for failure messages. */
  String state() {
    return "--- kubelet's log ends\n" + node.logTail("kubelet", 40) + "\n--- CSI\n" + csi.state();
  }

  /** Closes the CSI driver and the node (the cluster is closed by its owner). */
  @Override
  public void close() {
    System.out.println("real node times: " + times);
    csi.close();
    node.close();
  }

  private static String ms(Duration d) {
    return d.toMillis() + " ms";
  }
}
