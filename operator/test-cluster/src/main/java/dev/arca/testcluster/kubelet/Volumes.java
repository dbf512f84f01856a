package dev.arca.testcluster.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's volumes as host folders: PVCs by way of their bound PersistentVolume's path, emptyDir as
 * a folder of the pod, secret, configMap and projected volumes (the service-account token among
 * them) written out as files.
 */
final class Volumes {
  /** Why a pod cannot start; becomes its waiting reason and message. */
  static final class CannotStart extends Exception {
    final String reason;

    CannotStart(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  private final KubernetesClient client;

  Volumes(KubernetesClient client) {
    this.client = client;
  }

  /** Each volume of the pod, by name, as a host path made ready to mount. */
  Map<String, Path> prepare(Pod pod, Path podDir) throws CannotStart, IOException {
    String ns = pod.getMetadata().getNamespace();
    Map<String, Path> out = new HashMap<>();
    for (Volume v : pod.getSpec().getVolumes()) {
      Path dir = podDir.resolve("volumes").resolve(v.getName());
      if (v.getPersistentVolumeClaim() != null) {
        out.put(v.getName(), claimPath(ns, v.getPersistentVolumeClaim().getClaimName()));
      } else if (v.getEmptyDir() != null) {
        Files.createDirectories(dir);
        out.put(v.getName(), dir);
      } else if (v.getSecret() != null) {
        Files.createDirectories(dir);
        writeItems(dir, secretData(ns, v.getSecret().getSecretName()), v.getSecret().getItems());
        out.put(v.getName(), dir);
      } else if (v.getConfigMap() != null) {
        Files.createDirectories(dir);
        writeItems(dir, configMapData(ns, v.getConfigMap().getName()), v.getConfigMap().getItems());
        out.put(v.getName(), dir);
      } else if (v.getProjected() != null) {
        Files.createDirectories(dir);
        for (VolumeProjection p : v.getProjected().getSources()) {
          project(pod, p, dir);
        }
        out.put(v.getName(), dir);
      } else if (v.getHostPath() != null) {
        out.put(v.getName(), Path.of(v.getHostPath().getPath()));
      } else {
        throw new CannotStart(
            "UnsupportedVolume", "the kubelet stand-in cannot mount volume " + v.getName());
      }
    }
    return out;
  }

  /** The container's mounts, from the prepared volumes. */
  static List<Sandbox.Mount> mounts(List<VolumeMount> mounts, Map<String, Path> volumes)
      throws CannotStart {
    List<Sandbox.Mount> out = new ArrayList<>();
    for (VolumeMount m : mounts) {
      Path host = volumes.get(m.getName());
      if (host == null) {
        throw new CannotStart("CreateContainerConfigError", "no volume named " + m.getName());
      }
      if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
        host = host.resolve(m.getSubPath());
      }
      out.add(new Sandbox.Mount(host, m.getMountPath(), Boolean.TRUE.equals(m.getReadOnly())));
    }
    return out;
  }

  /** The host folder of a bound claim. */
  Path claimPath(String ns, String claim) throws CannotStart {
    PersistentVolumeClaim pvc =
        client.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
    if (pvc == null) {
      throw new CannotStart("FailedMount", "persistentvolumeclaim \"" + claim + "\" not found");
    }
    String pvName = pvc.getSpec().getVolumeName();
    PersistentVolume pv = pvName == null ? null : client.persistentVolumes().withName(pvName).get();
    if (pv == null || pv.getSpec().getHostPath() == null) {
      throw new CannotStart(
          "FailedMount", "persistentvolumeclaim \"" + claim + "\" is not bound to a local volume");
    }
    return Path.of(pv.getSpec().getHostPath().getPath());
  }

  private void project(Pod pod, VolumeProjection p, Path dir) throws CannotStart, IOException {
    String ns = pod.getMetadata().getNamespace();
    if (p.getServiceAccountToken() != null) {
      var t = p.getServiceAccountToken();
      String sa = pod.getSpec().getServiceAccountName();
      String token =
          client
              .serviceAccounts()
              .inNamespace(ns)
              .withName(sa == null ? "default" : sa)
              .tokenRequest(
                  new TokenRequestBuilder()
                      .withNewSpec()
                      .withAudiences(t.getAudience() == null ? List.of() : List.of(t.getAudience()))
                      .withExpirationSeconds(
                          t.getExpirationSeconds() == null ? 3600L : t.getExpirationSeconds())
                      .withNewBoundObjectRef()
                      .withApiVersion("v1")
                      .withKind("Pod")
                      .withName(pod.getMetadata().getName())
                      .withUid(pod.getMetadata().getUid())
                      .endBoundObjectRef()
                      .endSpec()
                      .build())
              .getStatus()
              .getToken();
      Files.writeString(dir.resolve(t.getPath()), token);
    } else if (p.getConfigMap() != null) {
      writeItems(dir, configMapData(ns, p.getConfigMap().getName()), p.getConfigMap().getItems());
    } else if (p.getDownwardAPI() != null) {
      for (var item : p.getDownwardAPI().getItems()) {
        String field = item.getFieldRef() == null ? "" : item.getFieldRef().getFieldPath();
        Files.writeString(dir.resolve(item.getPath()), Env.field(pod, field));
      }
    } else if (p.getSecret() != null) {
      writeItems(dir, secretData(ns, p.getSecret().getName()), p.getSecret().getItems());
    }
  }

  Map<String, byte[]> secretData(String ns, String name) throws CannotStart {
    Secret s = client.secrets().inNamespace(ns).withName(name).get();
    if (s == null) {
      throw new CannotStart("CreateContainerConfigError", "secret \"" + name + "\" not found");
    }
    Map<String, byte[]> out = new HashMap<>();
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
    }
    if (s.getStringData() != null) {
      s.getStringData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private Map<String, byte[]> configMapData(String ns, String name) throws CannotStart {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
    if (cm == null) {
      throw new CannotStart("CreateContainerConfigError", "configmap \"" + name + "\" not found");
    }
    Map<String, byte[]> out = new HashMap<>();
    if (cm.getData() != null) {
      cm.getData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** Every key as a file, or only the listed items at their paths. */
  private static void writeItems(Path dir, Map<String, byte[]> data, List<KeyToPath> items)
      throws IOException, CannotStart {
    if (items == null || items.isEmpty()) {
      for (var e : data.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get(item.getKey());
      if (value == null) {
        throw new CannotStart("FailedMount", "no key " + item.getKey() + " for " + item.getPath());
      }
      Path file = dir.resolve(item.getPath());
      Files.createDirectories(file.getParent());
      Files.write(file, value);
    }
  }
}
