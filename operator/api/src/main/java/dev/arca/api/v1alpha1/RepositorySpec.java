package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Where backups are stored and how to open them. */
public class RepositorySpec {
  /**
   * Repository URL as the arca CLI takes it: s3://bucket/prefix (or file:///path on a mounted
   * volume).
   */
  @JsonPropertyDescription(
      "Repository URL as the arca CLI takes it: s3://bucket/prefix (or file:///path on a mounted volume).")
  @Required
  @Pattern("^(s3://[^/]+(/.*)?|file:///.+)$")
  public String url;

  /** S3 connection settings. */
  @JsonPropertyDescription("S3 connection settings.")
  public S3Spec s3;

  /** Secret with the S3 access keys; absent when the Job's service account has pod identity. */
  @JsonPropertyDescription(
      "Secret with the S3 access keys; absent when the Job's service account has pod identity.")
  public CredentialsSecretRef credentialsSecretRef;

  /** Secret key holding the repository password (key default: password). */
  @JsonPropertyDescription("Secret key holding the repository password (key default: password).")
  @Required
  public SecretKeyRef passwordSecretRef;
}
