/**
 * CSI storage on a {@link dev.arca.testcluster.node.RealNode}: dynamic provisioning and volume
 * snapshots for the real-node test tier, from local images only (see {@code .ci/csi-tools.sh}).
 *
 * <p>{@link dev.arca.testcluster.csi.CsiHostpath} deploys, in the namespace {@code arca-csi}:
 *
 * <ul>
 *   <li>the driver DaemonSet: Arca's small hostpath driver (volumes are folders under the node's
 *       folder, snapshots are copies, publishing is a bind mount) which also registers itself with
 *       kubelet through kubelet's {@code plugins_registry} socket (the node-driver-registrar's job:
 *       the module proxy serves neither the upstream hostpath driver nor the registrar), beside the
 *       upstream external-provisioner and csi-snapshotter sidecars on one Unix socket;
 *   <li>the upstream snapshot-controller as a Deployment, and the VolumeSnapshot CRDs
 *       (snapshot.storage.k8s.io/v1) from the external-snapshotter client module;
 *   <li>a ServiceAccount with a ClusterRole covering what the three controllers read and write;
 *   <li>the CSIDriver (no attach step), a default StorageClass and a default VolumeSnapshotClass.
 * </ul>
 *
 * <p><b>Mounts.</b> The driver container is privileged and sees kubelet's root folder at the same
 * path with {@code mountPropagation: Bidirectional} (the node makes that folder a shared mount in
 * its own mount namespace), so the bind mounts it makes on kubelet's target paths reach kubelet and
 * the pods' containers. Volume data stays under the node's folder, so closing the node removes it;
 * every mount lives in the node's mount namespace and vanishes with it.
 *
 * <p>Test support, not product: nothing here ships in the arca image or the chart.
 */
package dev.arca.testcluster.csi;
