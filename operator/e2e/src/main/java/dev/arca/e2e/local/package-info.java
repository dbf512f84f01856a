/**
 * A local cluster to try Arca by hand ({@code operator/e2e/local-cluster}): the end-to-end tier's
 * control plane and kubelet stand-in, with a MinIO server, run until stopped.
 */
package dev.arca.e2e.local;
