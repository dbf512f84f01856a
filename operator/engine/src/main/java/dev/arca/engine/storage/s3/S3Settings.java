package dev.arca.engine.storage.s3;

import dev.arca.engine.ArcaException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * How to reach an S3-compatible server. Every field may be null, meaning "take it from the
 * environment or use the default"; {@link #resolve} fills them in from the same environment
 * variables the AWS CLI reads.
 *
 * @param endpoint server URL for non-AWS servers ({@code https://minio.example:9000}); null for AWS
 * @param region signing region; {@code us-east-1} when an endpoint is given and nothing else is set
 * @param pathStyle address buckets as {@code endpoint/bucket} rather than {@code bucket.endpoint};
 *     defaults to true when an endpoint is given (most non-AWS servers need it), false on AWS
 * @param caBundle PEM file of extra certificate authorities to trust besides the system's
 * @param checksums when to send and check CRC checksums: {@code when-supported} (the SDK's default,
 *     right for AWS and MinIO) or {@code when-required} (for servers that reject checksum trailers)
 * @param maxAttempts attempts per request before a transient failure is reported
 * @param multipartThreshold objects larger than this go up in multipart uploads
 * @param partSize part size of multipart uploads (at least 5 MiB, as S3 requires)
 */
public record S3Settings(
    String endpoint,
    String region,
    Boolean pathStyle,
    Path caBundle,
    String checksums,
    Integer maxAttempts,
    Long multipartThreshold,
    Long partSize) {

  /** Settings with nothing given: all from the environment and defaults. */
  public static S3Settings defaults() {
    return new S3Settings(null, null, null, null, null, null, null, null);
  }

  /** Fills unset fields from {@code env} (the AWS CLI's variables) and defaults; checks values. */
  public S3Settings resolve(Map<String, String> env) {
    String ep = firstSet(endpoint, env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL"));
    if (ep != null) {
      URI u = URI.create(ep);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw ArcaException.usage(
            "S3 endpoint '" + ep + "' must be an http:// or https:// URL with a host name");
      }
    }
    String reg = firstSet(region, env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"));
    if (reg == null && ep != null) {
      reg = "us-east-1";
    }
    String ca = caBundle != null ? caBundle.toString() : firstSet(env.get("AWS_CA_BUNDLE"));
    String sums = firstSet(checksums, env.get("AWS_REQUEST_CHECKSUM_CALCULATION"));
    sums = sums == null ? "when-supported" : sums.toLowerCase(Locale.ROOT).replace('_', '-');
    if (!sums.equals("when-supported") && !sums.equals("when-required")) {
      throw ArcaException.usage(
          "S3 checksum mode '" + sums + "' is not known; use when-supported or when-required");
    }
    int attempts = maxAttempts == null ? 10 : maxAttempts;
    if (attempts < 1) {
      throw ArcaException.usage("S3 max attempts must be at least 1");
    }
    long part = partSize == null ? 16L << 20 : partSize;
    if (part < 5L << 20) {
      throw ArcaException.usage("S3 multipart part size must be at least 5 MiB");
    }
    long threshold = multipartThreshold == null ? 48L << 20 : multipartThreshold;
    return new S3Settings(
        ep,
        reg,
        pathStyle != null ? pathStyle : ep != null,
        ca == null ? null : Path.of(ca),
        sums,
        attempts,
        Math.max(threshold, part),
        part);
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
