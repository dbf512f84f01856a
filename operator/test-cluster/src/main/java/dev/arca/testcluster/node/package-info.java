/**
 * A real Kubernetes node for the real-node test tier: containerd, runc and the CNI plugins from
 * Debian's packages, kubelet and kube-proxy built from the Kubernetes module (see {@code
 * .ci/node-tools.sh}), joined to a {@link dev.arca.testcluster.cluster.LocalCluster}. Pods run as
 * real containers from images imported into containerd from OCI archives (no registry): the pause
 * and busybox images of {@link dev.arca.testcluster.node.NodeTools}, and a PostgreSQL image made
 * from Debian's packages ({@link dev.arca.testcluster.node.PostgresImage}, {@code
 * .ci/postgres-image.sh}).
 *
 * <p><b>Network.</b> The test rule allows traffic only to loopback addresses and to addresses
 * inside network namespaces the test run created. So the whole node lives in one network namespace
 * of its own ({@link dev.arca.testcluster.node.NodeNamespaces}): containerd, kubelet, kube-proxy,
 * the pod bridge {@code cni0} and every pod veth. The node's IP (kubelet refuses a loopback {@code
 * nodeIP}, and dummy interfaces are not available here) is the bridge's own address, 10.244.0.1,
 * which is also the pods' gateway; pods get 10.244.0.10 and up from host-local, without
 * masquerading, and their resolv.conf names only the node's address. The host's network namespace
 * gains nothing: no interface, route, address or firewall rule. The only links between the host and
 * the node are Unix sockets (files), through socat pairs:
 *
 * <ul>
 *   <li>to the API server: inside the node, 127.0.0.1:PORT (the API server's own port) forwards to
 *       the host's 127.0.0.1:PORT, so kubelet and kube-proxy use the cluster's kubeconfig address
 *       unchanged;
 *   <li>to kubelet: the API server reaches a kubelet at its node's Hostname address first; the node
 *       is named {@code localhost} (the one name every host resolves to loopback), its kubelet
 *       listens on a free port P inside the node, and the host's 127.0.0.1:P forwards to it. So
 *       logs, exec and port-forward go through the API server as on any cluster.
 * </ul>
 *
 * <p><b>Services.</b> kube-proxy runs in nftables mode inside the node (the kernel has nf_tables
 * and conntrack built in; kube-proxy runs Debian's {@code nft}). Its rules and the conntrack table
 * are the node namespace's own. The kubernetes Service (10.0.0.1:443) has the API server's
 * advertised endpoint, {@link dev.arca.testcluster.cluster.LocalCluster#ADVERTISE_ADDRESS}:PORT,
 * which is the node's IP: the in-node proxy listens there too. (Endpoint validation refuses
 * loopback addresses, so with the API server advertising 127.0.0.1 the Service had no endpoints.)
 * So pods find the API server the standard way ({@code KUBERNETES_SERVICE_HOST}, the
 * service-account token), and ClusterIP Services between pods work.
 *
 * <p><b>Machine quirks</b> (see the shared real-node brief): cgroup v1, so kubelet runs with {@code
 * failCgroupV1: false} and {@code cgroupDriver: cgroupfs}, under a cgroup root of the node's own
 * ({@link dev.arca.testcluster.node.NodeCgroups}); CAP_SYS_RESOURCE is missing, so containerd's CRI
 * runs with {@code restrict_oom_score_adj = true} (kubelet's own -999 fails and is only logged; QoS
 * OOM ordering is not real here); kubelet sets host-wide kernel settings at start-up
 * (vm.overcommit_memory, kernel.panic, ...), which the node restores on close.
 *
 * <p><b>Mounts.</b> The node's mount namespace is a slave of the host's: containerd's overlay
 * roots, kubelet's volume mounts and the pods' network namespace files exist only inside it and
 * vanish with it, so a crashed test leaves no mount on the host.
 *
 * <p>Test support, not product: nothing here ships in the arca image or the chart.
 */
package dev.arca.testcluster.node;
