package dev.arca.testcluster.node;

import dev.arca.testcluster.cluster.LocalCluster;
import java.nio.file.Path;

/**
 * The configuration files of one real node, as text: containerd's, the CNI network's, kubelet's and
 * kube-proxy's. Every path is the node's own (under its folder), so nothing of the host's
 * containerd, kubelet or CNI state is read or written.
 */
final class NodeConfig {
  /**
   * The pods' subnet; its first address is the bridge's, which is also the node's IP and the
   * address the cluster's API server advertises (the kubernetes Service's endpoint).
   */
  static final String POD_SUBNET = "10.244.0.0/24";

  static final String NODE_IP = LocalCluster.ADVERTISE_ADDRESS;
  static final String BRIDGE = "cni0";

  private NodeConfig() {}

  /** The node folder's layout. */
  record Layout(Path dir) {
    Path containerdConfig() {
      return dir.resolve("containerd.toml");
    }

    Path containerdSocket() {
      return dir.resolve("containerd.sock");
    }

    Path cniConfDir() {
      return dir.resolve("cni");
    }

    Path kubeletConfig() {
      return dir.resolve("kubelet.yaml");
    }

    Path kubeletRoot() {
      return dir.resolve("kubelet");
    }

    Path podLogs() {
      return dir.resolve("pod-logs");
    }

    Path resolvConf() {
      return dir.resolve("resolv.conf");
    }

    Path kubeProxyConfig() {
      return dir.resolve("kube-proxy.yaml");
    }
  }

  /**
   * containerd with its own root, state, sockets and runc root, and the CRI plugin set for this
   * machine: {@code restrict_oom_score_adj} (no CAP_SYS_RESOURCE, so negative oom_score_adj values
   * fail in runc), cgroupfs, overlayfs, the local pause image, pod network namespaces under the
   * state folder, and the node's own CNI configuration folder.
   */
  static String containerd(Layout l, String pauseImage) {
    Path d = l.dir();
    return """
        version = 2
        root = "%1$s/containerd/root"
        state = "%1$s/containerd/state"
        disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", \
        "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", \
        "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

        [grpc]
          address = "%2$s"
        [ttrpc]
          address = "%1$s/containerd.ttrpc.sock"
        [debug]
          address = ""
        [metrics]
          address = ""

        [plugins."io.containerd.internal.v1.opt"]
          path = "%1$s/containerd/opt"
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%3$s"
          restrict_oom_score_adj = true
          netns_mounts_under_state_dir = true
          stream_server_address = "127.0.0.1"
          stream_server_port = "0"
          enable_selinux = false
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "overlayfs"
            default_runtime_name = "runc"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = false
                Root = "%1$s/runc"
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "%4$s"
            conf_dir = "%5$s"
        """
        .formatted(d, l.containerdSocket(), pauseImage, NodeTools.CNI_BIN, l.cniConfDir());
  }

  /**
   * The pod network: the bridge plugin on the node's bridge (gateway = node IP, default route for
   * pods, no masquerading: nothing leaves the node's namespace) with host-local addresses whose
   * state stays in the node's folder.
   */
  static String cni(String network, Layout l) {
    return """
        {
          "cniVersion": "0.4.0",
          "name": "%s",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "%s",
              "isGateway": true,
              "isDefaultGateway": true,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "%s", "rangeStart": "10.244.0.10", "gateway": "%s"}]],
                "dataDir": "%s"
              }
            },
            {"type": "loopback"}
          ]
        }
        """
        .formatted(network, BRIDGE, POD_SUBNET, NODE_IP, l.dir().resolve("cni-ipam"));
  }

  /**
   * kubelet: cgroup v1 allowed ({@code failCgroupV1: false}), cgroupfs under the node's own cgroup
   * root, the node's containerd, its own pod-log folder and resolv.conf (no name server outside the
   * node), client certificates from the cluster's CA accepted (the API server's kubelet client) and
   * every authenticated request allowed, eviction thresholds low enough for a busy test machine.
   */
  static String kubelet(Layout l, String cgroupRoot, int port, Path clientCa) {
    return """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        failCgroupV1: false
        cgroupDriver: cgroupfs
        cgroupRoot: %s
        containerRuntimeEndpoint: unix://%s
        imageServiceEndpoint: unix://%s
        address: 0.0.0.0
        port: %d
        readOnlyPort: 0
        healthzBindAddress: 127.0.0.1
        healthzPort: 10248
        authentication:
          anonymous:
            enabled: false
          webhook:
            enabled: false
          x509:
            clientCAFile: %s
        authorization:
          mode: AlwaysAllow
        clusterDomain: cluster.local
        resolvConf: %s
        podLogsDir: %s
        failSwapOn: false
        protectKernelDefaults: false
        serializeImagePulls: false
        registerNode: true
        maxPods: 30
        evictionHard:
          memory.available: 50Mi
          nodefs.available: 1%%
          nodefs.inodesFree: 1%%
          imagefs.available: 1%%
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        shutdownGracePeriod: 0s
        runtimeRequestTimeout: 2m
        """
        .formatted(
            cgroupRoot,
            l.containerdSocket(),
            l.containerdSocket(),
            port,
            clientCa,
            l.resolvConf(),
            l.podLogs());
  }

  /** The pods' resolv.conf: the node's own address only (nothing answers; no lookup leaves). */
  static String resolvConf() {
    return "nameserver " + NODE_IP + "\noptions timeout:1 attempts:1\n";
  }

  /**
   * kube-proxy in nftables mode; the conntrack settings are left alone (0 = do not set: they are
   * not writable from a network namespace).
   */
  static String kubeProxy(Path kubeconfig, String nodeName) {
    return """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        mode: nftables
        clientConnection:
          kubeconfig: %s
        hostnameOverride: %s
        bindAddress: 0.0.0.0
        clusterCIDR: %s
        healthzBindAddress: 127.0.0.1:10256
        metricsBindAddress: 127.0.0.1:10249
        conntrack:
          maxPerCore: 0
          min: 0
          tcpEstablishedTimeout: 0s
          tcpCloseWaitTimeout: 0s
        """
        .formatted(kubeconfig, nodeName, POD_SUBNET);
  }
}
