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

  /**
   * Object Lock retention Arca sets on the packs, index and snapshot objects and audit records it
   * writes (the bucket must have Object Lock enabled): each stays undeletable for this many days
   * after its write. Give at least the longest time the policy's retention keeps a snapshot.
   */
  @JsonPropertyDescription(
      "Object Lock retention Arca sets on the packs, index and snapshot objects and audit records"
          + " it writes (the bucket must have Object Lock enabled): each stays undeletable for this"
          + " many days after its write. Give at least the longest time the policy's retention"
          + " keeps a snapshot.")
  public ObjectLock objectLock;

  /** Object Lock retention on what Arca writes. */
  public static class ObjectLock {
    /**
     * GOVERNANCE (users with s3:BypassGovernanceRetention may still delete early) or COMPLIANCE
     * (nobody may, the bucket's owner included).
     */
    @JsonPropertyDescription(
        "GOVERNANCE (users with s3:BypassGovernanceRetention may still delete early) or"
            + " COMPLIANCE (nobody may, the bucket's owner included).")
    @io.fabric8.generator.annotation.Required
    public Mode mode;

    /** Days each object stays locked after its write (1 to 36500). */
    @JsonPropertyDescription("Days each object stays locked after its write (1 to 36500).")
    @io.fabric8.generator.annotation.Required
    @io.fabric8.generator.annotation.Min(1)
    @io.fabric8.generator.annotation.Max(36500)
    public Integer days;

    /** The Object Lock retention modes. */
    public enum Mode {
      GOVERNANCE,
      COMPLIANCE
    }
  }

  /** Checksum modes of the AWS SDK. */
  public enum Checksum {
    WhenSupported,
    WhenRequired
  }
}
