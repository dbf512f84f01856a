package dev.arca.controller;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Whether PVCs and Secrets exist, without reading a Secret's data: Secrets are asked for as
 * metadata only (PartialObjectMetadata), and only the answer's status code is used.
 */
public class ResourceProbe {
  private final KubernetesClient client;

  public ResourceProbe(KubernetesClient client) {
    this.client = client;
  }

  public boolean pvcExists(String namespace, String name) {
    return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get() != null;
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
