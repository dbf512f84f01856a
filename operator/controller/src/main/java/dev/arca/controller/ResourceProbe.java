package dev.arca.controller;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Whether PVCs and Secrets exist, without reading a Secret's data: Secrets are asked for as
 * metadata only (PartialObjectMetadata), and only the answer's status code is used.
 */
public class ResourceProbe {
  private final KubernetesClient client;
  private final boolean checkSecrets;

  /**
   * A probe; with {@code checkSecrets} false (the operator may not read Secrets) Secrets are not
   * checked, and a missing one shows up in the Job's pod instead.
   */
  public ResourceProbe(KubernetesClient client, boolean checkSecrets) {
    this.client = client;
    this.checkSecrets = checkSecrets;
  }

  public boolean pvcExists(String namespace, String name) {
    return pvc(namespace, name) != null;
  }

  /** The PVC, or null if there is none. */
  public io.fabric8.kubernetes.api.model.PersistentVolumeClaim pvc(String namespace, String name) {
    return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
  }

  /**
   * The first Secret a repository refers to that does not exist, as a message naming the field
   * ({@code prefix} + {@code .passwordSecretRef.name}, ...); null when all exist.
   */
  public String missingRepositorySecret(
      dev.arca.api.v1alpha1.RepositorySpec r, String namespace, String prefix) {
    if (!checkSecrets) {
      return null;
    }
    java.util.Map<String, String> refs = new java.util.LinkedHashMap<>();
    if (r.passwordSecretRef != null) {
      refs.put(prefix + ".passwordSecretRef.name", r.passwordSecretRef.name);
    }
    if (r.credentialsSecretRef != null) {
      refs.put(prefix + ".credentialsSecretRef.name", r.credentialsSecretRef.name);
    }
    if (r.s3 != null && r.s3.caSecretRef != null) {
      refs.put(prefix + ".s3.caSecretRef.name", r.s3.caSecretRef.name);
    }
    if (r.gcs != null && r.gcs.keySecretRef != null) {
      refs.put(prefix + ".gcs.keySecretRef.name", r.gcs.keySecretRef.name);
    }
    if (r.azure != null && r.azure.keySecretRef != null) {
      refs.put(prefix + ".azure.keySecretRef.name", r.azure.keySecretRef.name);
    }
    if (r.azure != null && r.azure.sasSecretRef != null) {
      refs.put(prefix + ".azure.sasSecretRef.name", r.azure.sasSecretRef.name);
    }
    for (var e : refs.entrySet()) {
      if (!secretExists(namespace, e.getValue())) {
        return e.getKey()
            + ": Secret '"
            + e.getValue()
            + "' does not exist in namespace "
            + namespace;
      }
    }
    return null;
  }

  public boolean secretExists(String namespace, String name) {
    var http = client.getHttpClient();
    var url =
        client.getMasterUrl().toString().replaceAll("/$", "")
            + "/api/v1/namespaces/"
            + namespace
            + "/secrets/"
            + name;
    try {
      var response =
          http.sendAsync(
                  http.newHttpRequestBuilder()
                      .uri(url)
                      .header(
                          "Accept", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1")
                      .build(),
                  byte[].class)
              .get();
      if (response.code() == 404) {
        return false;
      }
      if (response.code() >= 200 && response.code() < 300) {
        return true;
      }
      throw new IllegalStateException(
          "checking Secret " + namespace + "/" + name + ": HTTP " + response.code());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "checking Secret " + namespace + "/" + name + ": " + e.getCause(), e);
    }
  }
}
