package dev.arca.testcluster.node;

import dev.arca.testcluster.cluster.Daemon;
import dev.arca.testcluster.cluster.Kubeconfig;
import dev.arca.testcluster.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One real Kubernetes node on a {@link LocalCluster}: containerd (with runc and the CNI bridge),
 * kubelet and kube-proxy, in a network and mount namespace of their own (see the package
 * documentation for why, and for how the API server and the kubelet reach each other).
 *
 * <p>{@link #start} returns once the Node is Ready. {@link #close()} force-deletes the node's pods
 * and waits (bounded) for kubelet to stop their containers, stops the daemons, kills whatever is
 * left in the node's namespaces and cgroups, removes the cgroups, the leftover shim sockets, CNI
 * cache entries and kubelet's log links, restores the kernel settings kubelet changed, and deletes
 * the node's folder (kept with {@code -Darca.e2e.keep=true}).
 */
public final class RealNode implements AutoCloseable {
  /**
   * The node's name. The API server reaches a kubelet at the node's Hostname address first, and
   * {@code localhost} is the one host name every machine resolves to a loopback address, where a
   * proxy into the node's namespace listens.
   */
  public static final String NAME = "localhost";

  /** The kernel settings kubelet sets at start-up (host-wide, not per namespace): restored. */
  private static final List<String> KUBELET_SYSCTLS =
      List.of(
          "vm/overcommit_memory",
          "vm/panic_on_oom",
          "kernel/panic",
          "kernel/panic_on_oops",
          "kernel/keys/root_maxkeys",
          "kernel/keys/root_maxbytes");

  private final LocalCluster cluster;
  private final NodeTools tools;
  private final Path dir;
  private final String id;
  private final NodeConfig.Layout layout;
  private final List<Daemon> hostDaemons = new ArrayList<>();
  private final List<Daemon> nodeDaemons = new ArrayList<>();
  private final Map<Path, String> sysctls = new LinkedHashMap<>();
  private NodeNamespaces ns;
  private NodeCgroups cgroups;
  private Daemon containerd;
  private Daemon kubelet;
  private Duration readyAfter;

  private RealNode(LocalCluster cluster, NodeTools tools) {
    this.cluster = cluster;
    this.tools = tools;
    try {
      this.dir = Files.createTempDirectory("arca-node-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.id = dir.getFileName().toString();
    this.layout = new NodeConfig.Layout(dir);
    Instant t0 = Instant.now();
    try {
      start();
      readyAfter = Duration.between(t0, Instant.now());
    } catch (RuntimeException | IOException e) {
      close();
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
  }

  /** Starts a node on {@code cluster} with the tools of {@link NodeTools#find()}. */
  public static RealNode start(LocalCluster cluster) {
    return new RealNode(cluster, NodeTools.find());
  }

  private void start() throws IOException {
    ns = NodeNamespaces.create();
    ns.sh(
        String.join(
            " && ",
            "ip link set lo up",
            "ip link add " + NodeConfig.BRIDGE + " type bridge",
            "ip addr add " + NodeConfig.NODE_IP + "/24 dev " + NodeConfig.BRIDGE,
            "ip link set " + NodeConfig.BRIDGE + " up",
            "echo 1 > /proc/sys/net/ipv4/ip_forward",
            "if [ -w /proc/sys/net/bridge/bridge-nf-call-iptables ]; then"
                + " echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables; fi"));
    cgroups = NodeCgroups.create(id);

    Files.createDirectories(layout.cniConfDir());
    Files.createDirectories(layout.kubeletRoot());
    // kubelet's root as a shared mount of the node's mount namespace: what a volume plugin running
    // in a pod mounts there (mountPropagation: Bidirectional, which containerd allows only from a
    // shared mount) then shows to kubelet and the other containers, as on a systemd host.
    ns.sh(
        "mount --bind "
            + layout.kubeletRoot()
            + " "
            + layout.kubeletRoot()
            + " && mount --make-rshared "
            + layout.kubeletRoot());
    Files.createDirectories(layout.podLogs());
    Files.writeString(layout.containerdConfig(), NodeConfig.containerd(layout, tools.pauseImage()));
    Files.writeString(layout.cniConfDir().resolve("10-arca.conflist"), NodeConfig.cni(id, layout));
    Files.writeString(layout.resolvConf(), NodeConfig.resolvConf());

    containerd =
        nodeDaemon(
            "containerd",
            List.of(
                NodeTools.program("containerd"), "--config", layout.containerdConfig().toString()));
    LocalCluster.await("containerd", Duration.ofSeconds(30), () -> ctrOk("version"), containerd);
    importImage(tools.pauseArchive());

    int apiPort = URI.create(cluster.server()).getPort();
    int kubeletPort = LocalCluster.freePort();
    bridgeApiServer(apiPort);
    bridgeKubelet(kubeletPort);

    Path kubeconfig =
        Kubeconfig.withCertificate(
            dir.resolve("kubelet.kubeconfig"),
            cluster.server(),
            cluster.caCert(),
            cluster.pki().client("kubelet-" + id, "system:node:" + NAME, "system:nodes"));
    Files.writeString(
        layout.kubeletConfig(),
        NodeConfig.kubelet(layout, cgroups.root(), kubeletPort, cluster.caCert()));
    saveSysctls();
    kubelet =
        nodeDaemon(
            "kubelet",
            List.of(
                tools.kubelet().toString(),
                "--config=" + layout.kubeletConfig(),
                "--kubeconfig=" + kubeconfig,
                "--root-dir=" + layout.kubeletRoot(),
                "--cert-dir=" + dir.resolve("kubelet-pki"),
                "--hostname-override=" + NAME,
                "--node-ip=" + NodeConfig.NODE_IP,
                "--v=2"));

    Path proxyKubeconfig =
        Kubeconfig.withCertificate(
            dir.resolve("kube-proxy.kubeconfig"),
            cluster.server(),
            cluster.caCert(),
            cluster.pki().client("kube-proxy-" + id, "system:kube-proxy", null));
    Files.writeString(layout.kubeProxyConfig(), NodeConfig.kubeProxy(proxyKubeconfig, NAME));
    nodeDaemon(
        "kube-proxy",
        List.of(tools.kubeProxy().toString(), "--config=" + layout.kubeProxyConfig(), "--v=2"));

    LocalCluster.await("node " + NAME + " Ready", Duration.ofSeconds(120), this::ready, kubelet);
  }

  /** The node's name (also its Hostname address). */
  public String name() {
    return NAME;
  }

  /** The node's InternalIP: the pod bridge's address inside the node's network namespace. */
  public String ip() {
    return NodeConfig.NODE_IP;
  }

  /** The node's folder (configurations, logs, containerd's and kubelet's state). */
  public Path dir() {
    return dir;
  }

  /**
   * kubelet's root folder ({@code --root-dir}, the {@code /var/lib/kubelet} of this node): a shared
   * mount inside the node's mount namespace, so volume plugins in pods can mount below it with
   * {@code mountPropagation: Bidirectional}; {@code plugins_registry} in it is where kubelet finds
   * plugins' registration sockets.
   */
  public Path kubeletRoot() {
    return layout.kubeletRoot();
  }

  /** How long {@link #start} took until the Node was Ready. */
  public Duration readyAfter() {
    return readyAfter;
  }

  /** The last lines of a daemon's log (containerd, kubelet, kube-proxy), for failure messages. */
  public String logTail(String daemon, int lines) {
    return nodeDaemons.stream()
        .filter(d -> d.name().equals(daemon))
        .findFirst()
        .map(d -> d.tail(lines))
        .orElse("(no daemon " + daemon + ")");
  }

  /** Imports a one-layer (or any) OCI image archive into containerd's k8s.io namespace. */
  public void importImage(Path archive) {
    ctr("images", "import", archive.toString());
  }

  /**
   * Gives an imported image a second name (as a registry would serve the same image under the name
   * a manifest uses, say the chart's default {@code ghcr.io/arca-dev/arca:0.1.0}).
   */
  public void tagImage(String source, String target) {
    ctr("images", "tag", "--force", source, target);
  }

  /**
   * {@code command} run on the host inside the node's network namespace only (its own mount
   * namespace stays the host's): a program there reaches the node IP and what {@link
   * #exposeHostPort} bridged, as a machine on the pods' network would.
   */
  public List<String> inNodeNetwork(List<String> command) {
    List<String> c = new ArrayList<>();
    c.add(NodeTools.program("nsenter"));
    c.add("--target=" + ns.pid());
    c.add("--net");
    c.add("--");
    c.addAll(command);
    return c;
  }

  /**
   * Makes a server on the host's {@code 127.0.0.1:port} (a MinIO of the test, say) reachable from
   * the node's pods at {@code http://NODE_IP:port}, the same way the API server is bridged: a socat
   * on the node IP inside the node's namespace forwards through a Unix socket to a host socat that
   * connects to loopback. Nothing listens on any host address but loopback. Returns the address
   * pods use, {@code NODE_IP:port}.
   */
  public String exposeHostPort(int port) {
    Path sock = dir.resolve("host-" + port + ".sock");
    hostDaemons.add(
        Daemon.start(
            "host-" + port + "-bridge-host",
            List.of(
                NodeTools.program("socat"),
                "UNIX-LISTEN:" + sock + ",fork,unlink-early",
                "TCP:127.0.0.1:" + port),
            dir.resolve("host-" + port + "-bridge-host.log")));
    awaitFile(sock);
    nodeDaemon(
        "host-" + port + "-bridge-node",
        List.of(
            NodeTools.program("socat"),
            "TCP-LISTEN:" + port + ",bind=" + NodeConfig.NODE_IP + ",reuseaddr,fork",
            "UNIX-CONNECT:" + sock));
    return NodeConfig.NODE_IP + ":" + port;
  }

  // The API server listens on the host's 127.0.0.1:PORT; inside the node's namespace the same port,
  // on loopback (for kubelet and kube-proxy) and on the node IP (the kubernetes Service's endpoint,
  // for pods), is served by a socat that forwards through a Unix socket to a host socat.
  private void bridgeApiServer(int port) {
    Path sock = dir.resolve("apiserver.sock");
    hostDaemons.add(
        Daemon.start(
            "apiserver-bridge-host",
            List.of(
                NodeTools.program("socat"),
                "UNIX-LISTEN:" + sock + ",fork,unlink-early",
                "TCP:127.0.0.1:" + port),
            dir.resolve("apiserver-bridge-host.log")));
    awaitFile(sock);
    nodeDaemon(
        "apiserver-bridge-node",
        List.of(
            NodeTools.program("socat"),
            "TCP-LISTEN:" + port + ",reuseaddr,fork",
            "UNIX-CONNECT:" + sock));
  }

  // The API server reaches kubelet at NAME (localhost):PORT on the host; a host socat forwards
  // through a Unix socket into the node's namespace, to kubelet on the same port.
  private void bridgeKubelet(int port) {
    Path sock = dir.resolve("kubelet.sock");
    nodeDaemon(
        "kubelet-bridge-node",
        List.of(
            NodeTools.program("socat"),
            "UNIX-LISTEN:" + sock + ",fork,unlink-early",
            "TCP:127.0.0.1:" + port));
    awaitFile(sock);
    hostDaemons.add(
        Daemon.start(
            "kubelet-bridge-host",
            List.of(
                NodeTools.program("socat"),
                "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                "UNIX-CONNECT:" + sock),
            dir.resolve("kubelet-bridge-host.log")));
  }

  private Daemon nodeDaemon(String name, List<String> command) {
    Daemon d = Daemon.start(name, ns.enter(command), dir.resolve(name + ".log"));
    nodeDaemons.add(d);
    return d;
  }

  /** Runs {@code ctr} against the node's containerd, in its k8s.io namespace (the CRI's). */
  private String ctr(String... args) {
    List<String> c =
        new ArrayList<>(
            List.of(
                NodeTools.program("ctr"),
                "--address",
                layout.containerdSocket().toString(),
                "--namespace",
                "k8s.io"));
    c.addAll(List.of(args));
    return NodeNamespaces.run(c);
  }

  private boolean ctrOk(String... args) {
    try {
      ctr(args);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private boolean ready() {
    try {
      Node n = cluster.client().nodes().withName(NAME).get();
      return n != null
          && n.getStatus() != null
          && n.getStatus().getConditions() != null
          && n.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  private static void awaitFile(Path p) {
    Instant end = Instant.now().plusSeconds(10);
    while (!Files.exists(p)) {
      if (Instant.now().isAfter(end)) {
        throw new IllegalStateException("no " + p + " after 10 s");
      }
      NodeNamespaces.sleep(20);
    }
  }

  private void saveSysctls() {
    for (String s : KUBELET_SYSCTLS) {
      Path p = Path.of("/proc/sys", s);
      try {
        sysctls.put(p, Files.readString(p).strip());
      } catch (IOException e) {
        // not on this kernel: kubelet skips it too
      }
    }
  }

  /** Stops the node and removes everything it made (see the class documentation). */
  @Override
  public void close() {
    long start = System.nanoTime();
    if (kubelet != null && kubelet.isAlive()) {
      drain();
    }
    long drained = System.nanoTime();
    try {
      cluster.client().nodes().withName(NAME).delete();
    } catch (RuntimeException e) {
      // the cluster may be gone already
    }
    for (int i = nodeDaemons.size() - 1; i >= 0; i--) {
      nodeDaemons.get(i).close();
    }
    for (Daemon d : hostDaemons) {
      d.handle().descendants().forEach(ProcessHandle::destroyForcibly);
      d.close();
    }
    Set<Path> sockets = ns == null ? Set.of() : ns.unixSocketPaths();
    if (ns != null) {
      ns.close();
    }
    if (cgroups != null) {
      cgroups.close();
    }
    for (Path s : sockets) {
      if (s.startsWith("/run/containerd/s/")) {
        deleteQuietly(s);
      }
    }
    System.out.printf(
        "node %s closed: drain %d ms, the rest %d ms%n",
        NAME, (drained - start) / 1_000_000, (System.nanoTime() - drained) / 1_000_000);
    sysctls.forEach(
        (p, v) -> {
          try {
            Files.writeString(p, v);
          } catch (IOException e) {
            // best effort
          }
        });
    removeMatching(
        Path.of("/var/lib/cni/results"), p -> p.getFileName().toString().startsWith(id + "-"));
    removeMatching(
        Path.of("/var/log/containers"),
        p -> {
          try {
            return Files.isSymbolicLink(p)
                && Files.readSymbolicLink(p).startsWith(layout.podLogs());
          } catch (IOException e) {
            return false;
          }
        });
    if (!Boolean.getBoolean("arca.e2e.keep")) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(RealNode::deleteQuietly);
      } catch (IOException e) {
        // best effort: a leftover temporary folder is not worth failing a test for
      }
    }
  }

  /**
   * Cordons the node (controllers' replacement pods then stay pending instead of starting here
   * again: without it the wait below always ran its full 30 s), force-deletes its pods and waits up
   * to 30 s for containerd to run no task.
   */
  private void drain() {
    KubernetesClient client = cluster.client();
    try {
      client
          .nodes()
          .withName(NAME)
          .edit(
              n -> {
                n.getSpec().setUnschedulable(true);
                return n;
              });
      for (Pod p :
          client.pods().inAnyNamespace().withField("spec.nodeName", NAME).list().getItems()) {
        client
            .pods()
            .inNamespace(p.getMetadata().getNamespace())
            .withName(p.getMetadata().getName())
            .withGracePeriod(0)
            .delete();
      }
    } catch (RuntimeException e) {
      return; // the API server is gone: the kill below does the work
    }
    Instant end = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(end) && !noTasks()) {
      NodeNamespaces.sleep(250);
    }
  }

  private boolean noTasks() {
    try {
      return ctr("tasks", "ls", "--quiet").isBlank();
    } catch (IllegalStateException e) {
      return true;
    }
  }

  private static void removeMatching(Path folder, java.util.function.Predicate<Path> which) {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> s = Files.list(folder)) {
      s.filter(which).forEach(RealNode::deleteQuietly);
    } catch (IOException e) {
      // best effort
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }
}
