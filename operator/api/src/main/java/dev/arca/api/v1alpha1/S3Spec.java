package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How to reach an S3-compatible server; all optional, the AWS defaults apply otherwise. */
public class S3Spec {
  /** Server URL for non-AWS stores, for example https://minio.storage.svc:9000. */
  @JsonPropertyDescription(
      "Server URL for non-AWS stores, for example https://minio.storage.svc:9000.")
  public String endpoint;

  /** Signing region (us-east-1 when an endpoint is given and this is empty). */
  @JsonPropertyDescription(
      "Signing region (us-east-1 when an endpoint is given and this is empty).")
  public String region;

  /** Address buckets as ENDPOINT/BUCKET (default: true with an endpoint, false on AWS). */
  @JsonPropertyDescription(
      "Address buckets as ENDPOINT/BUCKET (default: true with an endpoint, false on AWS).")
  public Boolean pathStyle;

  /** A Secret key holding PEM certificate authorities to trust besides the system's. */
  @JsonPropertyDescription(
      "A Secret key holding PEM certificate authorities to trust besides the system's.")
  public SecretKeyRef caSecretRef;

  /**
   * When to send CRC checksums: WhenSupported (default) or WhenRequired, for servers that reject
   * them.
   */
  @JsonPropertyDescription(
      "When to send CRC checksums: WhenSupported (default) or WhenRequired, for servers that reject them.")
  public Checksum checksum;

  /** Checksum modes of the AWS SDK. */
  public enum Checksum {
    WhenSupported,
    WhenRequired
  }
}
