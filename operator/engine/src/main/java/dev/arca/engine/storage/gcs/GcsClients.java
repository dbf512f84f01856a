package dev.arca.engine.storage.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.StorageOptions;
import java.time.Duration;

/** Builds the client for resolved {@link GcsSettings}. */
final class GcsClients {
  private GcsClients() {}

  static com.google.cloud.storage.Storage build(GcsSettings s, java.util.Map<String, String> env) {
    var b =
        StorageOptions.http()
            .setRetrySettings(
                RetrySettings.newBuilder()
                    .setMaxAttempts(s.maxAttempts())
                    // 100 ms doubling up to 10 s, as the S3 store: about 30 s in all
                    .setInitialRetryDelayDuration(Duration.ofMillis(100))
                    .setRetryDelayMultiplier(2.0)
                    .setMaxRetryDelayDuration(Duration.ofSeconds(10))
                    .setInitialRpcTimeoutDuration(Duration.ofSeconds(60))
                    .setRpcTimeoutMultiplier(1.0)
                    .setMaxRpcTimeoutDuration(Duration.ofSeconds(60))
                    .setTotalTimeoutDuration(Duration.ofMinutes(5))
                    .build());
    if (s.endpoint() != null) {
      b.setHost(s.endpoint());
    }
    if (s.endpoint() != null && s.endpoint().startsWith("http://")) {
      // an emulator: no Google credentials are looked up, and none would go over plain HTTP
      b.setCredentials(NoCredentials.getInstance());
      b.setProjectId(s.project() == null ? "arca" : s.project());
    } else {
      if (s.project() != null) {
        b.setProjectId(s.project());
      }
      String keyFile = env.get("GOOGLE_APPLICATION_CREDENTIALS");
      if (keyFile != null
          && !keyFile.isBlank()
          && !keyFile.equals(System.getenv("GOOGLE_APPLICATION_CREDENTIALS"))) {
        // another key file than Application Default Credentials would read (a copy's target)
        b.setCredentials(keyFile(keyFile));
      }
    }
    return b.build().getService();
  }

  private static com.google.auth.oauth2.GoogleCredentials keyFile(String path) {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(path))) {
      return com.google.auth.oauth2.GoogleCredentials.fromStream(in);
    } catch (java.io.IOException e) {
      throw dev.arca.engine.ArcaException.usage(
          "cannot read the Google credentials file " + path + ": " + e.getMessage());
    }
  }
}
