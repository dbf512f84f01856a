/**
 * A local cluster to try Arca by hand ({@code operator/test-cluster/local-cluster}): the end-to-end
 * tier's control plane and kubelet stand-in, with a MinIO server, run until stopped.
 *
 * <p>Test support, not product: nothing here ships in the arca image or the chart; {@code
 * operator/e2e} and {@code operator/test-cluster/local-cluster} use it.
 */
package dev.arca.testcluster.local;
