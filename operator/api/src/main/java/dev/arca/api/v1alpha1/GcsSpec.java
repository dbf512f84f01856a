package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * How to reach Google Cloud Storage for a gs:// repository; all optional. Without a key Secret the
 * Jobs use Application Default Credentials: GKE workload identity through the Job's service
 * account, or the node's service account.
 */
public class GcsSpec {
  /**
   * A server other than Google's: an emulator (http://host:port; no credentials are sent to a plain
   * http:// server) or a private endpoint (https://...).
   */
  @JsonPropertyDescription(
      "A server other than Google's: an emulator (http://host:port; no credentials are sent to a plain http:// server) or a private endpoint (https://...).")
  @Pattern("^https?://[^/\\s]+/?$")
  public String endpoint;

  /**
   * A Secret key holding a service-account key file (JSON; key default: key.json), mounted into the
   * Jobs and named by GOOGLE_APPLICATION_CREDENTIALS. Leave it out to use workload identity.
   */
  @JsonPropertyDescription(
      "A Secret key holding a service-account key file (JSON; key default: key.json), mounted into the Jobs and named by GOOGLE_APPLICATION_CREDENTIALS. Leave it out to use workload identity.")
  public SecretKeyRef keySecretRef;
}
