package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Secret with S3 access keys; leave it out to use pod identity (IRSA, EKS pod identity). */
public class CredentialsSecretRef {
  /** Name of the Secret, in the same namespace. */
  @JsonPropertyDescription("Name of the Secret, in the same namespace.")
  @Required
  public String name;

  /** Key holding the access key id (default AWS_ACCESS_KEY_ID). */
  @JsonPropertyDescription("Key holding the access key id (default AWS_ACCESS_KEY_ID).")
  public String accessKeyIdKey;

  /** Key holding the secret access key (default AWS_SECRET_ACCESS_KEY). */
  @JsonPropertyDescription("Key holding the secret access key (default AWS_SECRET_ACCESS_KEY).")
  public String secretAccessKeyKey;

  /** Key holding a session token, if the credentials are temporary. */
  @JsonPropertyDescription("Key holding a session token, if the credentials are temporary.")
  public String sessionTokenKey;
}
