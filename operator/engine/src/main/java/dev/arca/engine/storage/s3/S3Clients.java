package dev.arca.engine.storage.s3;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the SDK client for resolved {@link S3Settings}. */
final class S3Clients {
  private S3Clients() {}

  /**
   * The keys {@code env} holds ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code
   * AWS_SESSION_TOKEN}) when they are there, else the SDK's default chain (web identity, profiles,
   * container and instance credentials). For the process's environment the two agree.
   */
  static software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials(
      java.util.Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
      return DefaultCredentialsProvider.builder().build();
    }
    String token = env.get("AWS_SESSION_TOKEN");
    return software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
        token == null || token.isBlank()
            ? software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(id, secret)
            : software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(
                id, secret, token));
  }

  static S3Client build(S3Settings s, int maxConnections, java.util.Map<String, String> env) {
    Apache5HttpClient.Builder http =
        Apache5HttpClient.builder()
            .maxConnections(maxConnections)
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60))
            .tcpKeepAlive(true);
    if (plainHttp(s.endpoint())) {
      // No TLS ever: no TLS context either (the client builds one with the system's trust store
      // at start, 30-50 ms), and no CA bundle (parsing one the size of the system's, which
      // AWS_CA_BUNDLE often names, took 0.15-0.3 s of every start).
      http.tlsSocketStrategy(
          (socket, target, port, attachment, context) -> {
            throw new java.io.IOException("no TLS with the http:// endpoint " + s.endpoint());
          });
    } else if (s.caBundle() != null) {
      http.tlsTrustManagersProvider(TrustBundle.withSystemDefaults(s.caBundle()));
    }
    boolean whenRequired = "when-required".equals(s.checksums());
    var b =
        S3Client.builder()
            .httpClientBuilder(FailFastConnect.around(http))
            .credentialsProvider(credentials(env))
            .forcePathStyle(s.pathStyle())
            .requestChecksumCalculation(
                whenRequired
                    ? RequestChecksumCalculation.WHEN_REQUIRED
                    : RequestChecksumCalculation.WHEN_SUPPORTED)
            .responseChecksumValidation(
                whenRequired
                    ? ResponseChecksumValidation.WHEN_REQUIRED
                    : ResponseChecksumValidation.WHEN_SUPPORTED)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(s.maxAttempts())
                            // full jitter, 100 ms doubling up to 10 s: about 30 s in all
                            .backoffStrategy(
                                BackoffStrategy.exponentialDelay(
                                    Duration.ofMillis(100), Duration.ofSeconds(10)))
                            .throttlingBackoffStrategy(
                                BackoffStrategy.exponentialDelay(
                                    Duration.ofMillis(500), Duration.ofSeconds(10)))
                            // a backup must not give up because earlier requests failed
                            .circuitBreakerEnabled(false)
                            .build()));
    if (s.endpoint() != null) {
      b.endpointOverride(URI.create(s.endpoint()));
    }
    if (s.region() != null) {
      b.region(Region.of(s.region()));
    } else {
      // AWS with no region configured: start in us-east-1 and follow the bucket's region.
      b.region(Region.US_EAST_1).crossRegionAccessEnabled(true);
    }
    return b.build();
  }

  /** Whether every request goes to an {@code http://} endpoint, so that no TLS is ever used. */
  static boolean plainHttp(String endpoint) {
    return endpoint != null && endpoint.regionMatches(true, 0, "http://", 0, 7);
  }
}
