package dev.arca.engine.storage.gcs;

import dev.arca.engine.ArcaException;
import java.net.URI;
import java.util.Map;

/**
 * How to reach Google Cloud Storage. Every field may be null, meaning "take it from the environment
 * or use the default"; {@link #resolve} fills them in.
 *
 * @param endpoint a server other than Google's: an emulator ({@code http://127.0.0.1:4443}) or a
 *     private endpoint ({@code https://...}); from {@code STORAGE_EMULATOR_HOST} (the variable
 *     Google's clients read) when not given. To a plain {@code http://} endpoint no credentials are
 *     sent; otherwise Application Default Credentials are used
 * @param project the project named in requests that need one; from {@code GOOGLE_CLOUD_PROJECT} or
 *     the credentials when not given (object reads and writes need none)
 * @param maxAttempts attempts per request before a transient failure is reported
 * @param resumableThreshold objects larger than this go up in resumable uploads
 * @param chunkSize bytes per request of a resumable upload (a multiple of 256 KiB)
 */
public record GcsSettings(
    String endpoint,
    String project,
    Integer maxAttempts,
    Long resumableThreshold,
    Integer chunkSize) {

  private static final int QUANTUM = 256 << 10;

  /** Settings with nothing given: all from the environment and defaults. */
  public static GcsSettings defaults() {
    return new GcsSettings(null, null, null, null, null);
  }

  /** Fills unset fields from {@code env} and defaults; checks values. */
  public GcsSettings resolve(Map<String, String> env) {
    String ep = firstSet(endpoint, env.get("STORAGE_EMULATOR_HOST"));
    if (ep != null) {
      if (!ep.contains("://")) {
        ep = "http://" + ep; // STORAGE_EMULATOR_HOST is often host:port
      }
      URI u = URI.create(ep);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw ArcaException.usage(
            "GCS endpoint '" + ep + "' must be an http:// or https:// URL with a host name");
      }
      ep = ep.replaceAll("/+$", "");
    }
    int attempts = maxAttempts == null ? 10 : maxAttempts;
    if (attempts < 1) {
      throw ArcaException.usage("GCS max attempts must be at least 1");
    }
    int chunk = chunkSize == null ? 16 << 20 : chunkSize;
    if (chunk < QUANTUM || chunk % QUANTUM != 0) {
      throw ArcaException.usage("GCS upload chunk size must be a multiple of 256 KiB");
    }
    long threshold = resumableThreshold == null ? 16L << 20 : resumableThreshold;
    return new GcsSettings(
        ep,
        firstSet(project, env.get("GOOGLE_CLOUD_PROJECT")),
        attempts,
        Math.max(0, threshold),
        chunk);
  }

  private static String firstSet(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }
}
