package dev.arca.testcluster.kubelet;

import dev.arca.testcluster.cluster.LocalCluster;
import dev.arca.testcluster.cluster.Pki;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a kubelet does for Arca, without a container runtime: registers a Ready node and keeps its
 * lease, provisions PersistentVolumes for claims of its StorageClass as local folders, runs the
 * pods bound to its node whose image it knows as local processes ({@link PodRunner}), reports their
 * status, and serves their logs and exec to the API server ({@link KubeletServer}).
 */
public final class KubeletStandIn implements AutoCloseable {
  /** The StorageClass whose claims this stand-in provisions (made the default class). */
  public static final String STORAGE_CLASS = "arca-local";

  private final LocalCluster cluster;
  private final KubernetesClient client;
  private final String node;
  private final Path root;
  private final Path arcaHome;
  private final Set<String> images;
  private final Volumes volumes;
  private final Map<String, PodRunner> runners = new ConcurrentHashMap<>();

  /** Every runner ever started, so that close() also stops those whose pods are being deleted. */
  private final Set<PodRunner> all = ConcurrentHashMap.newKeySet();

  private final ExecutorService pods = Executors.newCachedThreadPool();
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final KubeletServer logs;
  private final Set<Integer> forwardedPorts;
  private final Path socketDir;

  /**
   * @param arcaHome the folder with the arca launcher and jar (seen as /opt/arca in containers)
   * @param images the image names whose pods this stand-in runs (all are the arca image)
   * @param hostPorts host loopback ports pods may reach besides the API server's (e.g. MinIO's)
   */
  public KubeletStandIn(
      LocalCluster cluster,
      String node,
      Path arcaHome,
      Set<String> images,
      Set<Integer> hostPorts) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.node = node;
    this.root = cluster.dir().resolve("kubelet-" + node);
    this.arcaHome = arcaHome.toAbsolutePath().normalize();
    this.images = Set.copyOf(images);
    this.volumes = new Volumes(client);
    Set<Integer> ports = new java.util.TreeSet<>(hostPorts);
    ports.add(apiPort());
    this.forwardedPorts = Set.copyOf(ports);
    try {
      Files.createDirectories(root.resolve("volumes"));
      this.socketDir = Files.createTempDirectory("arca-fwd");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Pki.CertFiles serving =
        cluster.pki().server("kubelet-" + node, List.of("127.0.0.1"), List.of(node));
    logs = new KubeletServer(serving, cluster.caCert(), this::findLog, this::findRunner);
    NodeObjects.register(client, node, logs.port());
    heartbeat.scheduleWithFixedDelay(this::beat, 5, 5, TimeUnit.SECONDS);
    informers.add(
        client
            .persistentVolumeClaims()
            .inAnyNamespace()
            .inform(handler(this::provision, this::provision)));
    informers.add(
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", node)
            .inform(handler(this::podChanged, this::podChanged)));
  }

  /** The host folder of a bound claim (tests write source data and read restored data there). */
  public Path claimFolder(String namespace, String claim) {
    try {
      return volumes.claimPath(namespace, claim);
    } catch (Volumes.CannotStart e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public String nodeName() {
    return node;
  }

  Path root() {
    return root;
  }

  Path arcaHome() {
    return arcaHome;
  }

  Set<String> images() {
    return images;
  }

  Set<Integer> forwardedPorts() {
    return forwardedPorts;
  }

  Path socketDir() {
    return socketDir;
  }

  Volumes volumes() {
    return volumes;
  }

  String apiHost() {
    return URI.create(cluster.server()).getHost();
  }

  int apiPort() {
    return URI.create(cluster.server()).getPort();
  }

  private void beat() {
    try {
      NodeObjects.heartbeat(client, node, logs.port());
    } catch (RuntimeException e) {
      // the next beat retries; a missed one or two are within the node's grace period
    }
  }

  private void provision(PersistentVolumeClaim pvc) {
    try {
      NodeObjects.provision(client, pvc, root.resolve("volumes"), node);
    } catch (RuntimeException | IOException e) {
      System.err.println(
          "kubelet stand-in: cannot provision " + pvc.getMetadata().getName() + ": " + e);
    }
  }

  private void podChanged(Pod pod) {
    String uid = pod.getMetadata().getUid();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      PodRunner r = runners.remove(uid);
      pods.submit(() -> terminate(pod, r));
      return;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase) || runners.containsKey(uid)) {
      return;
    }
    PodRunner r = new PodRunner(this, pod);
    if (runners.putIfAbsent(uid, r) == null) {
      all.add(r);
      pods.submit(r);
    }
  }

  private void terminate(Pod pod, PodRunner r) {
    try {
      if (r != null) {
        Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
        r.stop(grace == null ? 30 : grace);
      }
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (KubernetesClientException e) {
      // already gone
    }
  }

  /** Writes a pod's status (retrying on conflicts), unless the pod is gone. */
  void report(Pod pod, PodStatus status) {
    try {
      NodeObjects.retryOnConflict(
          () ->
              client
                  .pods()
                  .inNamespace(pod.getMetadata().getNamespace())
                  .withName(pod.getMetadata().getName())
                  .editStatus(
                      p -> {
                        p.setStatus(status);
                        return p;
                      }));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private Path findLog(String namespace, String pod, String container) {
    PodRunner r = findRunner(namespace, pod, container);
    return r == null ? null : r.log();
  }

  private PodRunner findRunner(String namespace, String pod, String container) {
    for (PodRunner r : runners.values()) {
      if (r.is(namespace, pod, container)) {
        return r;
      }
    }
    return null;
  }

  private static <T> ResourceEventHandler<T> handler(
      java.util.function.Consumer<T> added, java.util.function.Consumer<T> updated) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        added.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        updated.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }

  /** Stops every pod's process and the node's loops; the node object stays (it goes NotReady). */
  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    heartbeat.shutdownNow();
    for (PodRunner r : all) {
      try {
        r.stop(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    pods.shutdownNow();
    logs.close();
    try (var files = Files.list(socketDir)) {
      files.forEach(d -> d.toFile().delete());
      Files.deleteIfExists(socketDir);
    } catch (IOException e) {
      // only empty folders of closed sockets are left
    }
  }
}
