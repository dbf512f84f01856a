/**
 * A kubelet stand-in for the end-to-end tier: one node that runs the pods of the arca image as
 * local processes, since this machine has no container runtime.
 *
 * <p>What it does: registers a Ready node and renews its Lease; provisions PersistentVolumes as
 * folders for claims of its default StorageClass; runs a pod's single container in a private mount
 * namespace rooted in a tmpfs, with the host's /usr and /etc read-only, the image's files at
 * /opt/arca, the pod's volumes (PVCs, emptyDir, Secrets, ConfigMaps, the projected service-account
 * token) at their mount paths, the pod's environment (Secrets resolved), and the user, groups,
 * capabilities and read-only root of its security context; reports Running, exit codes and
 * termination messages; restarts per restart policy; stops a deleted pod's process; serves logs to
 * the API server.
 *
 * <p>What it does not: pull images (it runs only the image names it is given, the others fail with
 * ErrImagePull), isolate the network (pods share the host's, so the kubernetes Service variables
 * name the API server's real address and ports must not clash), enforce resource limits, run probes
 * (a running container is ready), run init or sidecar containers, apply fsGroup ownership to
 * volumes, or refresh projected tokens.
 */
package dev.arca.e2e.kubelet;
