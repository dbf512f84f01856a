package dev.arca.engine.storage;

import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.azure.AzureSettings;
import dev.arca.engine.storage.azure.AzureStorage;
import dev.arca.engine.storage.gcs.GcsSettings;
import dev.arca.engine.storage.gcs.GcsStorage;
import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.engine.storage.s3.S3Storage;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Opens a {@link Storage} for a repository URL. */
public final class Storages {
  private Storages() {}

  /** Connections an S3 store keeps open: enough for parallel uploads and restore reads. */
  static final int S3_CONNECTIONS = 32;

  /** Opens a repository URL with S3 settings, and the other stores', taken from the environment. */
  public static Storage open(String url) {
    return open(url, S3Settings.defaults());
  }

  /**
   * Opens a repository URL with the given S3 settings, and the other stores' from the environment.
   */
  public static Storage open(String url, S3Settings s3) {
    return open(url, s3, GcsSettings.defaults(), AzureSettings.defaults());
  }

  /**
   * Opens a repository URL with the given S3 and GCS settings, and Azure's from the environment.
   */
  public static Storage open(String url, S3Settings s3, GcsSettings gcs) {
    return open(url, s3, gcs, AzureSettings.defaults());
  }

  /**
   * Opens {@code file:///abs/path}, {@code s3://bucket/prefix}, {@code gs://bucket/prefix} or
   * {@code azblob://account/container/prefix} behind a {@link RetryingStorage}; other schemes are
   * rejected with a usage error.
   */
  public static Storage open(String url, S3Settings s3, GcsSettings gcs, AzureSettings azure) {
    return open(url, s3, gcs, azure, System.getenv());
  }

  /**
   * As {@link #open(String, S3Settings, GcsSettings, AzureSettings)}, with each store's settings
   * and credentials resolved from {@code env} rather than the process's environment (a copy's
   * target, which may need other credentials than its source).
   */
  public static Storage open(
      String url,
      S3Settings s3,
      GcsSettings gcs,
      AzureSettings azure,
      java.util.Map<String, String> env) {
    if (url == null || url.isBlank()) {
      throw ArcaException.usage(
          "no repository given: pass --repo file:///abs/path, s3://bucket/prefix, gs://bucket/prefix or azblob://account/container/prefix, or set"
              + " ARCA_REPO");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ArcaException.usage(
          "repository URL '"
              + url
              + "' is not a valid URL: "
              + e.getReason()
              + "; use file:///abs/path, s3://bucket/prefix, gs://bucket/prefix or azblob://account/container/prefix");
    }
    ObjectLock lock = ObjectLock.parse(env.get(ObjectLock.ENV));
    if (lock != null && !"s3".equals(uri.getScheme())) {
      throw ArcaException.usage(
          ObjectLock.ENV
              + " is set: Arca sets Object Lock retention on s3:// repositories only (for other"
              + " stores, use the bucket's own retention policy)");
    }
    if ("file".equals(uri.getScheme())) {
      if (uri.getPath() == null || !uri.getPath().startsWith("/") || uri.getAuthority() != null) {
        throw ArcaException.usage(
            "repository URL '" + url + "' must be file:///absolute/path (three slashes)");
      }
      return RetryingStorage.wrap(new FileStorage(Path.of(uri)));
    }
    if ("s3".equals(uri.getScheme())) {
      S3Storage store = S3Storage.open(url, s3, S3_CONNECTIONS, env);
      store.objectLock(lock);
      return RetryingStorage.wrap(store);
    }
    if ("gs".equals(uri.getScheme())) {
      return RetryingStorage.wrap(GcsStorage.open(url, gcs, env));
    }
    if ("azblob".equals(uri.getScheme())) {
      return RetryingStorage.wrap(AzureStorage.open(url, azure, env));
    }
    throw ArcaException.usage(
        "repository URL '"
            + url
            + "' has an unsupported scheme; use file:///abs/path, s3://bucket/prefix, gs://bucket/prefix or azblob://account/container/prefix");
  }
}
