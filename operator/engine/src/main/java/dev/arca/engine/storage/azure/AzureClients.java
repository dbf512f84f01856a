package dev.arca.engine.storage.azure;

import com.azure.core.util.HttpClientOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.time.Duration;
import java.util.Map;

/**
 * Builds the container client for resolved {@link AzureSettings}, with credentials from the
 * environment: an account key ({@code AZURE_STORAGE_KEY}), else a SAS ({@code
 * AZURE_STORAGE_SAS_TOKEN}), else DefaultAzureCredential (workload identity, managed identity, a
 * service principal from {@code AZURE_CLIENT_ID} and its secret or certificate).
 */
final class AzureClients {
  private AzureClients() {}

  /** How the client authenticates, for messages (never the secret itself). */
  enum Auth {
    ACCOUNT_KEY,
    SAS,
    ENTRA_ID
  }

  record Client(BlobContainerClient container, Auth auth) {}

  static Client build(String account, String container, AzureSettings s, Map<String, String> env) {
    String endpoint =
        s.endpoint() != null ? s.endpoint() : "https://" + account + ".blob.core.windows.net";
    var b =
        new BlobServiceClientBuilder()
            .endpoint(endpoint)
            .clientOptions(new HttpClientOptions().setConnectTimeout(Duration.ofSeconds(10)))
            .retryOptions(
                // 100 ms doubling up to 10 s, as the S3 store; 60 s per attempt
                new RequestRetryOptions(
                    RetryPolicyType.EXPONENTIAL,
                    s.maxAttempts(),
                    Duration.ofSeconds(60),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(10),
                    null));
    Auth auth;
    String key = env.get("AZURE_STORAGE_KEY");
    String sas = env.get("AZURE_STORAGE_SAS_TOKEN");
    if (key != null && !key.isBlank()) {
      b.credential(new StorageSharedKeyCredential(account, key.trim()));
      auth = Auth.ACCOUNT_KEY;
    } else if (sas != null && !sas.isBlank()) {
      b.sasToken(sas.trim());
      auth = Auth.SAS;
    } else {
      b.credential(new DefaultAzureCredentialBuilder().build());
      auth = Auth.ENTRA_ID;
    }
    return new Client(b.buildClient().getBlobContainerClient(container), auth);
  }
}
