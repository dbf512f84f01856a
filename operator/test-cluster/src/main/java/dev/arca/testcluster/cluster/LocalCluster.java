package dev.arca.testcluster.cluster;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A Kubernetes control plane on 127.0.0.1, run as local processes: etcd, kube-apiserver (client
 * certificates and service-account tokens, RBAC and Node authorization), kube-controller-manager
 * and kube-scheduler. Everything lives in one temporary folder (certificates, etcd data, logs) that
 * {@link #close()} removes. There are no nodes: a kubelet stand-in registers them.
 */
public final class LocalCluster implements KubeCluster {
  /** The service network; its first address is the kubernetes Service's. */
  static final String SERVICE_CIDR = "10.0.0.0/24";

  /**
   * The address the API server advertises, which the kubernetes Service's endpoints name. Not
   * loopback: endpoint validation refuses loopback addresses, so with 127.0.0.1 the Service has no
   * endpoints at all. It is the address of a real node's pod bridge (inside the node's own network
   * namespace, see {@code dev.arca.testcluster.node}), where the node serves the API server to its
   * pods; nothing in the host's namespace has or dials it.
   */
  public static final String ADVERTISE_ADDRESS = "10.244.0.1";

  private final Path dir;
  private final Pki pki;
  private final List<Daemon> daemons = new ArrayList<>();
  private final String server;
  private final Path adminKubeconfig;
  private final KubernetesClient client;

  private final List<String> withoutControllers;

  private LocalCluster(Path dir, List<String> withoutControllers) {
    this.dir = dir;
    this.withoutControllers = List.copyOf(withoutControllers);
    this.pki = Pki.create(dir);
    int etcdPort = freePort();
    int apiPort = freePort();
    server = "https://127.0.0.1:" + apiPort;
    try {
      startEtcd(etcdPort);
      startApiServer(etcdPort, apiPort);
      adminKubeconfig =
          Kubeconfig.withCertificate(
              dir.resolve("admin.kubeconfig"),
              server,
              pki.caCert(),
              pki.client("admin", "arca-e2e-admin", "system:masters"));
      client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(adminKubeconfig)))
              .build();
      await("kube-apiserver /readyz", Duration.ofSeconds(90), this::apiReady, daemons.get(1));
      startControllerManager();
      startScheduler();
      await(
          "the default ServiceAccount (made by kube-controller-manager)",
          Duration.ofSeconds(60),
          () -> client.serviceAccounts().inNamespace("default").withName("default").get() != null,
          daemons.get(2));
    } catch (RuntimeException | IOException e) {
      close();
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
  }

  /** Starts a new cluster in a new temporary folder. */
  public static LocalCluster start() {
    return startWithout();
  }

  /**
   * Starts a new cluster whose kube-controller-manager runs without these controllers (for example
   * {@code job-controller}, when a test plays the Jobs' part itself).
   */
  public static LocalCluster startWithout(String... controllers) {
    try {
      return new LocalCluster(Files.createTempDirectory("arca-e2e-"), List.of(controllers));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API server's URL. */
  public String server() {
    return server;
  }

  /** A client with cluster-admin rights (group system:masters). */
  @Override
  public KubernetesClient client() {
    return client;
  }

  /** The kubeconfig of the admin client. */
  @Override
  public Path kubeconfig() {
    return adminKubeconfig;
  }

  /** The cluster's CA certificate (PEM). */
  public Path caCert() {
    return pki.caCert();
  }

  /** The cluster's folder (certificates, logs, etcd data). */
  @Override
  public Path dir() {
    return dir;
  }

  public Pki pki() {
    return pki;
  }

  /** A kubeconfig acting as the service account {@code namespace/name}, with a fresh token. */
  public Path serviceAccountKubeconfig(String namespace, String name) {
    String token =
        client
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(name)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L * 4)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    return Kubeconfig.withToken(
        dir.resolve("sa-" + namespace + "-" + name + ".kubeconfig"), server, pki.caCert(), token);
  }

  private void startEtcd(int port) {
    int peer = freePort();
    String client = "http://127.0.0.1:" + port;
    String peerUrl = "http://127.0.0.1:" + peer;
    daemons.add(
        Daemon.start(
            "etcd",
            List.of(
                Tools.binary("etcd").toString(),
                "--name=e2e",
                "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=" + client,
                "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peerUrl,
                "--initial-advertise-peer-urls=" + peerUrl,
                "--initial-cluster=e2e=" + peerUrl,
                "--unsafe-no-fsync=true",
                "--log-level=warn"),
            dir.resolve("etcd.log")));
    await("etcd /health", Duration.ofSeconds(30), () -> httpOk(client + "/health"), daemons.get(0));
  }

  private void startApiServer(int etcdPort, int port) {
    Pki.CertFiles serving =
        pki.server(
            "apiserver",
            List.of("127.0.0.1", "10.0.0.1", ADVERTISE_ADDRESS),
            List.of(
                "localhost",
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local"));
    Pki.CertFiles sa = pki.serviceAccountKeys();
    Pki.CertFiles kubeletClient =
        pki.client("apiserver-kubelet-client", "kube-apiserver-kubelet-client", null);
    daemons.add(
        Daemon.start(
            "kube-apiserver",
            List.of(
                Tools.binary("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=127.0.0.1",
                "--advertise-address=" + ADVERTISE_ADDRESS,
                "--secure-port=" + port,
                "--cert-dir=" + dir.resolve("apiserver-certs"),
                "--tls-cert-file=" + serving.cert(),
                "--tls-private-key-file=" + serving.key(),
                "--client-ca-file=" + pki.caCert(),
                "--kubelet-client-certificate=" + kubeletClient.cert(),
                "--kubelet-client-key=" + kubeletClient.key(),
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + sa.cert(),
                "--service-account-signing-key-file=" + sa.key(),
                "--service-cluster-ip-range=" + SERVICE_CIDR,
                "--authorization-mode=Node,RBAC",
                "--allow-privileged=true",
                "--profiling=false",
                "--v=1"),
            dir.resolve("kube-apiserver.log")));
  }

  private void startControllerManager() {
    Path kubeconfig =
        Kubeconfig.withCertificate(
            dir.resolve("controller-manager.kubeconfig"),
            server,
            pki.caCert(),
            pki.client("controller-manager", "system:kube-controller-manager", null));
    Path sa = dir.resolve("sa.key");
    daemons.add(
        Daemon.start(
            "kube-controller-manager",
            List.of(
                Tools.binary("kube-controller-manager").toString(),
                "--kubeconfig=" + kubeconfig,
                "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--bind-address=127.0.0.1",
                "--secure-port=" + freePort(),
                "--service-account-private-key-file=" + sa,
                "--root-ca-file=" + pki.caCert(),
                "--use-service-account-credentials=true",
                "--service-cluster-ip-range=" + SERVICE_CIDR,
                "--leader-elect=false",
                "--profiling=false",
                "--controllers="
                    + String.join(
                        ",",
                        Stream.concat(Stream.of("*"), withoutControllers.stream().map(c -> "-" + c))
                            .toList()),
                "--v=1"),
            dir.resolve("kube-controller-manager.log")));
  }

  private void startScheduler() {
    Path kubeconfig =
        Kubeconfig.withCertificate(
            dir.resolve("scheduler.kubeconfig"),
            server,
            pki.caCert(),
            pki.client("scheduler", "system:kube-scheduler", null));
    daemons.add(
        Daemon.start(
            "kube-scheduler",
            List.of(
                Tools.binary("kube-scheduler").toString(),
                "--kubeconfig=" + kubeconfig,
                "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--bind-address=127.0.0.1",
                "--secure-port=" + freePort(),
                "--leader-elect=false",
                "--profiling=false",
                "--v=1"),
            dir.resolve("kube-scheduler.log")));
  }

  private boolean apiReady() {
    try {
      return "ok".equals(client.raw("/readyz"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean httpOk(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits for {@code ready}, failing early with the daemon's log if it exits. */
  public static void await(String what, Duration timeout, BooleanSupplier ready, Daemon daemon) {
    Instant end = Instant.now().plus(timeout);
    while (!ready.getAsBoolean()) {
      daemon.checkAlive();
      if (Instant.now().isAfter(end)) {
        throw new IllegalStateException(
            "timed out after "
                + timeout.toSeconds()
                + " s waiting for "
                + what
                + "; "
                + daemon.name()
                + "'s log ends:\n"
                + daemon.tail(30));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops every process (newest first) and removes the folder. */
  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    for (int i = daemons.size() - 1; i >= 0; i--) {
      daemons.get(i).close();
    }
    if (!Boolean.getBoolean("arca.e2e.keep")) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: a leftover temporary folder is not worth failing a test for
      }
    }
  }

  /** Runs a cluster by hand until interrupted; prints the admin kubeconfig's path. */
  public static void main(String[] args) throws InterruptedException {
    LocalCluster c = start();
    Runtime.getRuntime().addShutdownHook(new Thread(c::close));
    System.out.println("export KUBECONFIG=" + c.kubeconfig());
    System.out.println("(Ctrl-C stops the cluster and removes " + c.dir() + ")");
    Thread.currentThread().join();
  }
}
