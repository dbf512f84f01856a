package dev.arca.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * How to reach Azure Blob Storage for an azblob:// repository; all optional. Without a key or SAS
 * Secret the Jobs use DefaultAzureCredential: AKS workload identity (the Jobs' pods carry the label
 * azure.workload.identity/use=true and run as the policy's service account) or a managed identity.
 */
public class AzureSpec {
  /**
   * The Blob service URL when it is not https://ACCOUNT.blob.core.windows.net: Azurite
   * (http://host:10000/ACCOUNT), a sovereign cloud or a private endpoint.
   */
  @JsonPropertyDescription(
      "The Blob service URL when it is not https://ACCOUNT.blob.core.windows.net: Azurite (http://host:10000/ACCOUNT), a sovereign cloud or a private endpoint.")
  @Pattern("^https?://[^/\\s]+(/[^/\\s]+)?/?$")
  public String endpoint;

  /** A Secret key holding the storage account's key (key default: AZURE_STORAGE_KEY). */
  @JsonPropertyDescription(
      "A Secret key holding the storage account's key (key default: AZURE_STORAGE_KEY).")
  public SecretKeyRef keySecretRef;

  /**
   * A Secret key holding a SAS token with read, add, create, write, delete and list permissions
   * (key default: AZURE_STORAGE_SAS_TOKEN).
   */
  @JsonPropertyDescription(
      "A Secret key holding a SAS token with read, add, create, write, delete and list permissions (key default: AZURE_STORAGE_SAS_TOKEN).")
  public SecretKeyRef sasSecretRef;
}
