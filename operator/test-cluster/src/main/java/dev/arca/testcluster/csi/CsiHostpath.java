package dev.arca.testcluster.csi;

import dev.arca.testcluster.cluster.LocalCluster;
import dev.arca.testcluster.node.RealNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * CSI storage on one {@link RealNode}: see the package documentation for what {@link #deploy}
 * installs. It returns once kubelet has registered the driver (the node's CSINode lists it), the
 * provisioner and snapshotter sidecars run and the snapshot controller is ready, so a PVC of the
 * default StorageClass binds and a VolumeSnapshot of it becomes ready to use.
 *
 * <p>{@link #close()} deletes the DaemonSet and the Deployment, so that the node's close, which
 * force-deletes the node's pods, does not wait for controllers that keep recreating them. Close it
 * before the node.
 */
public final class CsiHostpath implements AutoCloseable {
  /** The CSI driver's name (also the provisioner and snapshot class driver). */
  public static final String DRIVER = "hostpath.csi.arca.test";

  /** The namespace of the driver, its sidecars and the snapshot controller. */
  public static final String NAMESPACE = "arca-csi";

  /** The default StorageClass (Immediate binding, Delete reclaim). */
  public static final String STORAGE_CLASS = "arca-hostpath";

  /** The default VolumeSnapshotClass (Delete deletion policy). */
  public static final String SNAPSHOT_CLASS = "arca-hostpath";

  private final KubernetesClient client;
  private final Path dataDir;
  private final Duration readyAfter;

  private CsiHostpath(KubernetesClient client, Path dataDir, Duration readyAfter) {
    this.client = client;
    this.dataDir = dataDir;
    this.readyAfter = readyAfter;
  }

  /** Deploys the driver on {@code node} with the images of {@link CsiTools#find()}. */
  public static CsiHostpath deploy(LocalCluster cluster, RealNode node) {
    return deploy(cluster, node, CsiTools.find());
  }

  /** Deploys the driver on {@code node}: imports the images, applies the objects, waits. */
  public static CsiHostpath deploy(LocalCluster cluster, RealNode node, CsiTools tools) {
    Instant t0 = Instant.now();
    KubernetesClient client = cluster.client();
    Path dataDir = node.dir().resolve("csi-data");
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tools.archives().forEach(node::importImage);

    for (Path crd : tools.crds()) {
      String name;
      try (InputStream in = Files.newInputStream(crd)) {
        name = client.load(in).serverSideApply().get(0).getMetadata().getName();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && c.getStatus().getConditions() != null // not set yet just after create
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              x ->
                                  "Established".equals(x.getType())
                                      && "True".equals(x.getStatus())),
              30,
              TimeUnit.SECONDS);
    }
    apply(client, manifests(tools, node, dataDir));

    CsiHostpath csi = new CsiHostpath(client, dataDir, null);
    await("the CSI driver pod running", Duration.ofSeconds(120), csi::driverRunning, csi::state);
    await(
        "kubelet registering " + DRIVER + " (CSINode " + node.name() + ")",
        Duration.ofSeconds(60),
        () -> csi.registered(node.name()),
        csi::state);
    await(
        "the snapshot controller ready",
        Duration.ofSeconds(90),
        csi::snapshotControllerReady,
        csi::state);
    return new CsiHostpath(client, dataDir, Duration.between(t0, Instant.now()));
  }

  /**
   * Deletes the driver's DaemonSet and the snapshot controller's Deployment (their pods go with
   * them, without grace); volumes, snapshots and mounts go with the node.
   */
  @Override
  public void close() {
    try {
      client
          .apps()
          .daemonSets()
          .inNamespace(NAMESPACE)
          .withName("csi-hostpath")
          .withGracePeriod(0)
          .delete();
      client
          .apps()
          .deployments()
          .inNamespace(NAMESPACE)
          .withName("snapshot-controller")
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      // the cluster may be gone already: the node's close kills what is left
    }
  }

  /** Where the volumes ({@code volumes/ID}) and snapshots ({@code snapshots/ID}) live. */
  public Path dataDir() {
    return dataDir;
  }

  /** How long {@link #deploy} took. */
  public Duration readyAfter() {
    return readyAfter;
  }

  /**
   * The driver's, its sidecars' and the snapshot controller's pods: phase, container states and the
   * last lines of each container's log, for failure messages.
   */
  public String state() {
    StringBuilder b = new StringBuilder();
    try {
      for (Pod p : client.pods().inNamespace(NAMESPACE).list().getItems()) {
        b.append("pod ")
            .append(p.getMetadata().getName())
            .append(": ")
            .append(p.getStatus() == null ? "(no status)" : p.getStatus().getPhase())
            .append('\n');
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
          continue;
        }
        for (var cs : p.getStatus().getContainerStatuses()) {
          b.append("  ").append(cs.getName()).append(": ").append(cs.getState()).append('\n');
          try {
            String log =
                client
                    .pods()
                    .inNamespace(NAMESPACE)
                    .withName(p.getMetadata().getName())
                    .inContainer(cs.getName())
                    .tailingLines(15)
                    .getLog();
            b.append(log.lines().map(l -> "    | " + l).collect(Collectors.joining("\n")))
                .append('\n');
          } catch (KubernetesClientException e) {
            b.append("    (no log: ").append(e.getMessage()).append(")\n");
          }
        }
      }
    } catch (KubernetesClientException e) {
      b.append("(cannot list pods: ").append(e.getMessage()).append(")");
    }
    return b.toString();
  }

  private boolean driverRunning() {
    DaemonSet ds = client.apps().daemonSets().inNamespace(NAMESPACE).withName("csi-hostpath").get();
    return ds != null
        && ds.getStatus() != null
        && Objects.requireNonNullElse(ds.getStatus().getNumberReady(), 0) >= 1;
  }

  private boolean registered(String nodeName) {
    CSINode n = client.storage().v1().csiNodes().withName(nodeName).get();
    return n != null
        && n.getSpec() != null
        && n.getSpec().getDrivers() != null
        && n.getSpec().getDrivers().stream().anyMatch(d -> DRIVER.equals(d.getName()));
  }

  private boolean snapshotControllerReady() {
    Deployment d =
        client.apps().deployments().inNamespace(NAMESPACE).withName("snapshot-controller").get();
    return d != null
        && d.getStatus() != null
        && Objects.requireNonNullElse(d.getStatus().getReadyReplicas(), 0) >= 1;
  }

  private static void apply(KubernetesClient client, String yaml) {
    try (InputStream in = new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))) {
      client.load(in).serverSideApply();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits up to {@code timeout} for {@code ok} (API errors count as not yet), polling every 500 ms;
   * fails naming {@code what} with the {@code state} it then reports.
   */
  static void await(String what, Duration timeout, BooleanSupplier ok, Supplier<String> s) {
    Instant end = Instant.now().plus(timeout);
    while (true) {
      try {
        if (ok.getAsBoolean()) {
          return;
        }
      } catch (KubernetesClientException e) {
        // not there yet
      }
      if (Instant.now().isAfter(end)) {
        throw new IllegalStateException(
            "no " + what + " after " + timeout.toSeconds() + " s:\n" + s.get());
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /**
   * Everything but the CRDs. The driver container sees kubelet's root at the same path
   * (Bidirectional: its bind mounts on kubelet's target paths must reach kubelet) and the data
   * folder at the same path; the sidecars reach it through the plugin folder, mounted as /csi.
   */
  static String manifests(CsiTools tools, RealNode node, Path dataDir) {
    Path kubelet = node.kubeletRoot();
    Path plugin = kubelet.resolve("plugins").resolve(DRIVER);
    Path registration = kubelet.resolve("plugins_registry").resolve(DRIVER + "-reg.sock");
    return """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %1$s
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: arca-csi
          namespace: %1$s
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: arca-csi
        rules:
          - apiGroups: [""]
            resources: [persistentvolumes]
            verbs: [get, list, watch, create, update, patch, delete]
          - apiGroups: [""]
            resources: [persistentvolumeclaims, persistentvolumeclaims/status]
            verbs: [get, list, watch, update, patch]
          - apiGroups: [""]
            resources: [events]
            verbs: [get, list, watch, create, update, patch]
          - apiGroups: [""]
            resources: [nodes, pods, secrets]
            verbs: [get, list, watch]
          - apiGroups: [storage.k8s.io]
            resources: [storageclasses, csinodes, volumeattachments, volumeattributesclasses, \
        csistoragecapacities]
            verbs: [get, list, watch]
          - apiGroups: [snapshot.storage.k8s.io]
            resources: [volumesnapshotclasses, volumesnapshots, volumesnapshots/status, \
        volumesnapshotcontents, volumesnapshotcontents/status]
            verbs: [get, list, watch, create, update, patch, delete]
          - apiGroups: [groupsnapshot.storage.k8s.io]
            resources: [volumegroupsnapshotclasses, volumegroupsnapshots, \
        volumegroupsnapshots/status, volumegroupsnapshotcontents, \
        volumegroupsnapshotcontents/status]
            verbs: [get, list, watch, create, update, patch, delete]
          - apiGroups: [coordination.k8s.io]
            resources: [leases]
            verbs: [get, list, watch, create, update, patch, delete]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: arca-csi
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: arca-csi
        subjects:
          - kind: ServiceAccount
            name: arca-csi
            namespace: %1$s
        ---
        apiVersion: storage.k8s.io/v1
        kind: CSIDriver
        metadata:
          name: %2$s
        spec:
          attachRequired: false
          podInfoOnMount: false
          fsGroupPolicy: File
          volumeLifecycleModes: [Persistent]
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: %3$s
          annotations:
            storageclass.kubernetes.io/is-default-class: "true"
        provisioner: %2$s
        reclaimPolicy: Delete
        volumeBindingMode: Immediate
        ---
        apiVersion: snapshot.storage.k8s.io/v1
        kind: VolumeSnapshotClass
        metadata:
          name: %4$s
          annotations:
            snapshot.storage.kubernetes.io/is-default-class: "true"
        driver: %2$s
        deletionPolicy: Delete
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: csi-hostpath
          namespace: %1$s
        spec:
          selector:
            matchLabels: {app: csi-hostpath}
          template:
            metadata:
              labels: {app: csi-hostpath}
            spec:
              serviceAccountName: arca-csi
              terminationGracePeriodSeconds: 1
              containers:
                - name: hostpath
                  image: %5$s
                  imagePullPolicy: Never
                  args:
                    - --endpoint=%6$s/csi.sock
                    - --registration=%7$s
                    - --driver-name=%2$s
                    - --node-id=$(NODE_NAME)
                    - --data-dir=%8$s
                  env:
                    - name: NODE_NAME
                      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
                  securityContext: {privileged: true}
                  volumeMounts:
                    - {name: kubelet, mountPath: "%9$s", mountPropagation: Bidirectional}
                    - {name: data, mountPath: "%8$s"}
                - name: csi-provisioner
                  image: %10$s
                  imagePullPolicy: Never
                  args: [--csi-address=/csi/csi.sock, --v=2, --timeout=60s]
                  volumeMounts:
                    - {name: plugin, mountPath: /csi}
                - name: csi-snapshotter
                  image: %11$s
                  imagePullPolicy: Never
                  args: [--csi-address=/csi/csi.sock, --v=2, --timeout=60s]
                  volumeMounts:
                    - {name: plugin, mountPath: /csi}
              volumes:
                - name: kubelet
                  hostPath: {path: "%9$s", type: Directory}
                - name: plugin
                  hostPath: {path: "%6$s", type: DirectoryOrCreate}
                - name: data
                  hostPath: {path: "%8$s", type: DirectoryOrCreate}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: snapshot-controller
          namespace: %1$s
        spec:
          replicas: 1
          selector:
            matchLabels: {app: snapshot-controller}
          template:
            metadata:
              labels: {app: snapshot-controller}
            spec:
              serviceAccountName: arca-csi
              terminationGracePeriodSeconds: 1
              containers:
                - name: snapshot-controller
                  image: %12$s
                  imagePullPolicy: Never
                  args: [--v=2, --leader-election=false]
        """
        .formatted(
            NAMESPACE,
            DRIVER,
            STORAGE_CLASS,
            SNAPSHOT_CLASS,
            tools.driverImage(),
            plugin,
            registration,
            dataDir,
            kubelet,
            tools.provisionerImage(),
            tools.snapshotterImage(),
            tools.snapshotControllerImage());
  }
}
