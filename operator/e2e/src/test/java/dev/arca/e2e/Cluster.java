package dev.arca.e2e;

import dev.arca.testcluster.cluster.ExternalCluster;
import dev.arca.testcluster.cluster.KubeCluster;
import dev.arca.testcluster.cluster.LocalCluster;
import dev.arca.testcluster.kubelet.KubeletStandIn;
import java.nio.file.Path;
import java.util.Set;

/**
 * The cluster of this test JVM, with Arca's CRDs applied. By default a local control plane with the
 * kubelet stand-in, stopped at exit; with {@code -Darca.e2e.realnode=true} the same control plane
 * with a real node and CSI storage ({@link RealNodeCluster}); with {@code
 * -Darca.e2e.kubeconfig=PATH} any cluster that kubeconfig reaches (see {@link Target}). Only the
 * tests written with pods and kubectl alone ({@link Pods#shell}, {@link Steps}) run in the last
 * two.
 */
final class Cluster {
  static final Path CHECKOUT = Path.of(System.getProperty("arca.checkout", "../.."));

  /** The image name the kubelet stand-in runs (the chart's default image). */
  static final String IMAGE = "ghcr.io/arca-dev/arca:0.1.0";

  /**
   * A database image name the stand-in also runs: its pods see the host's /usr, so this machine's
   * PostgreSQL programs (Debian's package) are in it.
   */
  static final String POSTGRES_IMAGE = "docker.io/library/postgres:15";

  /** The chart's release namespace; its own one on a real cluster, removed at the end. */
  static final String OPERATOR_NAMESPACE = Target.external() ? "arca-e2e-system" : "arca-system";

  private static KubeCluster cluster;
  private static RealNodeCluster realNode;
  private static Throwable startFailure;
  private static KubeletStandIn kubelet;
  private static boolean operator;

  private Cluster() {}

  static synchronized KubeCluster get() {
    if (startFailure != null) {
      // one start per JVM: the later tests fail at once with the first one's cause
      throw new IllegalStateException("the test cluster did not start", startFailure);
    }
    if (cluster == null) {
      try {
        start();
      } catch (RuntimeException | Error e) {
        startFailure = e;
        throw e;
      }
    }
    return cluster;
  }

  private static void start() {
    if (Target.external()) {
      cluster = new ExternalCluster(Target.kubeconfig());
    } else if (Target.realNode()) {
      realNode = RealNodeCluster.start();
      cluster = realNode.cluster();
    } else {
      cluster = LocalCluster.start();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(Cluster::stop));
    if (Target.realNode()) {
      operator(); // the README's install, whose helm install brings the CRDs as for a new user
    } else {
      cluster.kubectl("apply", "-f", CHECKOUT.resolve("crds").toString()).orFail();
    }
    cluster
        .kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all")
        .orFail();
    awaitPublished(cluster);
  }

  /**
   * Waits until the API server's discovery and OpenAPI documents carry the CRDs (they follow
   * Established by a moment), so that the first {@code kubectl explain} of a fresh cluster works.
   */
  private static void awaitPublished(KubeCluster c) {
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    for (String kind : java.util.List.of("backuppolicies", "restorerequests", "snapshots")) {
      while (c.kubectl("explain", kind + ".spec").exitCode() != 0) {
        if (System.nanoTime() > end) {
          c.kubectl("explain", kind + ".spec").orFail();
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** The image of the operator and of the pods the tests start. */
  static String image() {
    if (Target.external()) {
      return Target.image();
    }
    return Target.realNode() ? RealNodeCluster.IMAGE : IMAGE;
  }

  /** Whether the pods run on the real node ({@link RealNodeCluster}). */
  static boolean realNode() {
    return Target.realNode();
  }

  /** The real node; only in that mode. */
  static RealNodeCluster node() {
    get();
    if (realNode == null) {
      throw new IllegalStateException("this test needs the real node (-Darca.e2e.realnode=true)");
    }
    return realNode;
  }

  /**
   * The S3 endpoint of the test MinIO as the cluster's pods reach it: on loopback for the
   * stand-in's pods (they share the host's network), bridged to the node IP on the real node.
   */
  static java.net.URI podS3() {
    java.net.URI minio = dev.arca.it.S3Servers.minio();
    return Target.realNode()
        ? java.net.URI.create("http://" + node().podAddress(minio.getPort()))
        : minio;
  }

  /** The node's folder that holds the files of the claim (bound first), in either local mode. */
  static Path volumeFolder(String ns, String claim) {
    return Target.realNode() ? node().volumeFolder(ns, claim) : kubelet().claimFolder(ns, claim);
  }

  /** The local control plane; tests that need its folders or its stand-in call this. */
  static LocalCluster local() {
    if (!Target.realNode() && get() instanceof LocalCluster l) {
      return l;
    }
    throw new IllegalStateException(
        "this test needs the local control plane and its kubelet stand-in; against a real"
            + " cluster or the real node run only the tests that use pods alone"
            + " (-Dtest=BackupRestoreTest)");
  }

  /** The local cluster's one node, started on first use; none on a real cluster. */
  static synchronized KubeletStandIn kubelet() {
    if (kubelet == null) {
      kubelet =
          new KubeletStandIn(
              local(),
              "node-1",
              CHECKOUT.resolve("operator/cli/target"),
              Set.of(IMAGE, POSTGRES_IMAGE),
              // the pods reach the test's object stores and nothing else of the host
              Set.of(
                  dev.arca.it.S3Servers.minio().getPort(),
                  dev.arca.it.FakeGcs.get().uri().getPort(),
                  dev.arca.it.Azurite.get().endpoint().getPort()));
    }
    return kubelet;
  }

  /**
   * The chart installed as release "arca" in arca-system with its defaults (and the image under
   * test), its operator running as a pod.
   */
  static synchronized void operator() {
    get(); // on the real node, its start installs the operator (and the CRDs with it)
    if (!Target.external() && !Target.realNode()) {
      kubelet();
    }
    if (!operator) {
      namespace(OPERATOR_NAMESPACE);
      // dumps allowed where the tests take them (DatabaseDumpTest) and in team-a
      // (ChartInstallTest);
      // the chart puts a Role in each, so they exist first
      namespace(DatabaseDumpTest.NS);
      namespace("team-a");
      namespace(RealNodeHooksTest.NS); // hooks exec into pods as dumps do
      String values =
          "rbac:\n  dumpNamespaces: ["
              + DatabaseDumpTest.NS
              + ", team-a, "
              + RealNodeHooksTest.NS
              + "]\n";
      if (Target.realNode()) {
        // the README's install commands, with the built image
        // the built image; Jobs request a tenth of a CPU (their default, 1 CPU, would let only
        // one run at a time on the node's 2 CPUs beside the operator and the CSI driver)
        installWithReadme(
            "image: {repository: arca, tag: dev}\n"
                + "jobs: {resources: {cpuRequest: 100m}}\n"
                + values);
      } else {
        Charts.install(
            "arca",
            OPERATOR_NAMESPACE,
            (Target.external() ? Target.imageValues() + "\n" : "") + values);
      }
      get()
          .kubectl(
              "rollout", "status", "-n", OPERATOR_NAMESPACE, "deployment/arca", "--timeout=180s")
          .orFail();
      operator = true;
    }
  }

  private static void installWithReadme(String values) {
    try {
      realNode.installOperator(values);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
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
                .addToLabels("arca.dev/e2e", "true")
                .endMetadata()
                .build())
        .serverSideApply();
  }

  /** A 1 GiB ReadWriteOnce claim of the default class (the stand-in provisions it as a folder). */
  static void claim(String ns, String name) {
    get()
        .client()
        .persistentVolumeClaims()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
                .endResources()
                .endSpec()
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

  /**
   * At exit: the local cluster and its node stop; on a real cluster the release and the tests'
   * namespaces are removed unless {@code -Darca.e2e.keep=true}.
   */
  private static synchronized void stop() {
    long start = System.nanoTime();
    if (kubelet != null) {
      kubelet.close();
    }
    if (realNode != null) {
      realNode.close();
    }
    long nodeClosed = System.nanoTime();
    if (Target.external() && !Boolean.getBoolean("arca.e2e.keep")) {
      if (operator) {
        Charts.uninstall("arca", OPERATOR_NAMESPACE);
      }
      cluster.kubectl("delete", "namespace", "-l", "arca.dev/e2e=true", "--wait=false");
    }
    cluster.close();
    // Written to a file: at JVM exit surefire no longer reports what the tests print.
    try {
      java.nio.file.Files.writeString(
          Path.of("target", "cluster-stop.txt"),
          String.format(
              "node closed in %d ms, control plane in %d ms%n",
              (nodeClosed - start) / 1_000_000, (System.nanoTime() - nodeClosed) / 1_000_000),
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      // a diagnostic only
    }
  }
}
