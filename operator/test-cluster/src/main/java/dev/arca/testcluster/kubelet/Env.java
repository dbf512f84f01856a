package dev.arca.testcluster.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A container's environment as a kubelet makes it: the image's, the service links, the spec's. */
final class Env {
  /** What the arca image sets (Jib's container environment in operator/image/pom.xml). */
  static final Map<String, String> IMAGE =
      Map.of(
          "PATH", "/opt/arca:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          "LC_ALL", "C.UTF-8");

  private Env() {}

  /**
   * The environment of {@code c}. The kubernetes Service's variables name 127.0.0.1 and the API
   * server's port, which the pod's network forwards to the API server: the stand-in has no service
   * network to route 10.0.0.1 through.
   */
  static Map<String, String> of(Pod pod, Container c, Volumes volumes, String apiHost, int apiPort)
      throws Volumes.CannotStart {
    Map<String, String> env = new LinkedHashMap<>(IMAGE);
    env.put("HOSTNAME", pod.getMetadata().getName());
    env.put("KUBERNETES_SERVICE_HOST", apiHost);
    env.put("KUBERNETES_SERVICE_PORT", Integer.toString(apiPort));
    env.put("KUBERNETES_SERVICE_PORT_HTTPS", Integer.toString(apiPort));
    String ns = pod.getMetadata().getNamespace();
    for (EnvVar v : c.getEnv()) {
      if (v.getValueFrom() == null) {
        env.put(v.getName(), v.getValue() == null ? "" : v.getValue());
      } else if (v.getValueFrom().getSecretKeyRef() != null) {
        var ref = v.getValueFrom().getSecretKeyRef();
        byte[] value = volumes.secretData(ns, ref.getName()).get(ref.getKey());
        if (value == null) {
          if (Boolean.TRUE.equals(ref.getOptional())) {
            continue;
          }
          throw new Volumes.CannotStart(
              "CreateContainerConfigError",
              "couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
        }
        env.put(v.getName(), new String(value, StandardCharsets.UTF_8));
      } else if (v.getValueFrom().getFieldRef() != null) {
        env.put(v.getName(), field(pod, v.getValueFrom().getFieldRef().getFieldPath()));
      } else {
        throw new Volumes.CannotStart(
            "CreateContainerConfigError", "the stand-in cannot resolve env " + v.getName());
      }
    }
    return env;
  }

  /** A downward-API field of the pod. */
  static String field(Pod pod, String path) {
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "spec.nodeName" -> pod.getSpec().getNodeName();
      case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
      case "status.podIP", "status.hostIP" -> PodStatuses.HOST_IP;
      default -> "";
    };
  }
}
