/**
 * A kubelet stand-in for the end-to-end tier: one node that runs the pods of the arca image as
 * local processes, since this machine has no container runtime.
 *
 * <p>What it does: registers a Ready node and renews its Lease; provisions PersistentVolumes as
 * folders for claims of its default StorageClass; runs a pod's single container in its own mount,
 * PID, UTS and network namespaces, rooted in a tmpfs with the host's /usr and /etc read-only, the
 * image's files at /opt/arca, the pod's volumes (PVCs, emptyDir, Secrets, ConfigMaps, the projected
 * service-account token) at their mount paths, the pod's environment (Secrets resolved), and the
 * user, groups, capabilities and read-only root of its security context; the pod's network has only
 * loopback plus the host ports it is given (the API server's, MinIO's), forwarded in through Unix
 * sockets; reports Running, exit codes and termination messages; restarts per restart policy; stops
 * a deleted pod (SIGTERM, then SIGKILL after its grace period); serves logs to the API server, and
 * exec (WebSocket, v5 and v4 channel protocols; the node declares ExtendWebSocketsToKubelet so the
 * API server passes exec through) by entering the container's namespaces and root ({@code nsenter})
 * with its user and environment. Besides the arca image it runs a PostgreSQL image name, whose pods
 * use this machine's PostgreSQL programs (they see the host's /usr). Containers die with the JVM
 * that runs the stand-in.
 *
 * <p>What it does not: pull images (it runs only the image names it is given, the others fail with
 * ErrImagePull), serve attach or port-forward, speak SPDY (exec over SPDY from older clients), give
 * pods routable IPs or Services (every pod reports 127.0.0.1, and the kubernetes Service variables
 * name the forwarded API server port), enforce resource limits, run probes (a running container is
 * ready), run init or sidecar containers, apply fsGroup ownership to volumes, or refresh projected
 * tokens.
 *
 * <p>Test support, not product: nothing here ships in the arca image or the chart; {@code
 * operator/e2e} and {@code operator/test-cluster/local-cluster} use it.
 */
package dev.arca.testcluster.kubelet;
