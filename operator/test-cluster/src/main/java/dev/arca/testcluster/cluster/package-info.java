/**
 * A local Kubernetes control plane for the end-to-end tier: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler run as processes on 127.0.0.1, from binaries that
 * {@code .ci/kube-tools.sh} builds from the Go module proxy.
 *
 * <p>Invariants: every run gets fresh certificates, keys, ports and data in its own temporary
 * folder, and leaves nothing behind; only loopback ports are used; RBAC is on, so anything acting
 * as a service account gets exactly the rights bound to it. The control plane has no nodes and no
 * container runtime of its own.
 *
 * <p>Tests see a cluster as a {@link dev.arca.testcluster.cluster.KubeCluster} (an admin client,
 * kubectl and helm through one kubeconfig): a {@link dev.arca.testcluster.cluster.LocalCluster}
 * started here, or an {@link dev.arca.testcluster.cluster.ExternalCluster} that a kubeconfig points
 * at (kind, a real cluster).
 *
 * <p>Test support, not product: nothing here ships in the arca image or the chart; {@code
 * operator/e2e} and {@code operator/test-cluster/local-cluster} use it.
 */
package dev.arca.testcluster.cluster;
