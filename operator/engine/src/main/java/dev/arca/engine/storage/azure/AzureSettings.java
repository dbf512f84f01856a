package dev.arca.engine.storage.azure;

import dev.arca.engine.ArcaException;
import java.net.URI;
import java.util.Map;

/**
 * How to reach Azure Blob Storage. Every field may be null, meaning "take it from the environment
 * or use the default"; {@link #resolve} fills them in.
 *
 * @param endpoint the Blob service URL when it is not {@code
 *     https://ACCOUNT.blob.core.windows.net}: Azurite ({@code http://127.0.0.1:10000/ACCOUNT}), a
 *     sovereign cloud or a private endpoint; from {@code ARCA_AZURE_ENDPOINT} when not given
 * @param maxAttempts attempts per request before a transient failure is reported
 * @param singleUploadLimit blobs larger than this go up as blocks, committed once all arrived
 * @param blockSize block size of those uploads
 */
public record AzureSettings(
    String endpoint, Integer maxAttempts, Long singleUploadLimit, Long blockSize) {

  /** Settings with nothing given: all from the environment and defaults. */
  public static AzureSettings defaults() {
    return new AzureSettings(null, null, null, null);
  }

  /** Fills unset fields from {@code env} and defaults; checks values. */
  public AzureSettings resolve(Map<String, String> env) {
    String ep = endpoint;
    if (ep == null || ep.isBlank()) {
      ep = env.get("ARCA_AZURE_ENDPOINT");
    }
    if (ep != null && !ep.isBlank()) {
      ep = ep.trim().replaceAll("/+$", "");
      URI u = URI.create(ep);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw ArcaException.usage(
            "Azure endpoint '" + ep + "' must be an http:// or https:// URL with a host name");
      }
    } else {
      ep = null;
    }
    int attempts = maxAttempts == null ? 10 : maxAttempts;
    if (attempts < 1) {
      throw ArcaException.usage("Azure max attempts must be at least 1");
    }
    long block = blockSize == null ? 16L << 20 : blockSize;
    if (block < 1 << 20) {
      throw ArcaException.usage("Azure block size must be at least 1 MiB");
    }
    long single = singleUploadLimit == null ? 48L << 20 : singleUploadLimit;
    return new AzureSettings(ep, attempts, Math.max(single, block), block);
  }
}
