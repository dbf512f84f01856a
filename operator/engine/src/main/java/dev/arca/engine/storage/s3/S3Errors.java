package dev.arca.engine.storage.s3;

import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.StoreUnreachableException;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns SDK failures into errors a user can act on. Permanent ones (access denied, a missing
 * bucket, no credentials) become {@link ArcaException}s that say what to fix; a failure to connect
 * becomes a {@link StoreUnreachableException}; the rest become {@link IOException}s naming the
 * operation, the store and the key. Messages carry the server's error code, never credentials.
 */
final class S3Errors {
  private S3Errors() {}

  static String code(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  static IOException map(SdkException e, String what, String where, String key) {
    FailFastConnect.Failure f = connectFailure(e);
    if (f != null) {
      return new StoreUnreachableException(
          "cannot " + what + " " + key + " in " + where + ": cannot connect: " + f.getMessage(),
          f.answeredBefore(),
          e);
    }
    if (e instanceof S3Exception s) {
      String code = code(s);
      int status = s.statusCode();
      if ("NoSuchBucket".equals(code)) {
        throw new ArcaException(
            ArcaException.Kind.NO_REPOSITORY,
            "the bucket of "
                + where
                + " does not exist; create it first (for example `aws s3 mb` or `mc mb`)",
            e);
      }
      if (status == 403
          || "InvalidAccessKeyId".equals(code)
          || "SignatureDoesNotMatch".equals(code)) {
        throw new ArcaException(
            ArcaException.Kind.ERROR,
            "S3 refused to "
                + what
                + " "
                + key
                + " in "
                + where
                + " ("
                + (code == null ? "HTTP " + status : code)
                + "): check the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE"
                + " or pod identity) and the bucket's policy",
            e);
      }
      return new IOException(
          "S3 cannot "
              + what
              + " "
              + key
              + " in "
              + where
              + ": HTTP "
              + status
              + (code == null ? "" : " " + code)
              + (s.awsErrorDetails() == null || s.awsErrorDetails().errorMessage() == null
                  ? ""
                  : " (" + s.awsErrorDetails().errorMessage() + ")"),
          e);
    }
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("Unable to load credentials")) {
      throw new ArcaException(
          ArcaException.Kind.ERROR,
          "no S3 credentials found for "
              + where
              + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with pod"
              + " identity (IRSA)",
          e);
    }
    return new IOException("cannot " + what + " " + key + " in " + where + ": " + msg, e);
  }

  private static FailFastConnect.Failure connectFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FailFastConnect.Failure f) {
        return f;
      }
    }
    return null;
  }

  /** Whether a client-side failure (connection reset, truncated body) is worth another try. */
  static boolean transientFailure(SdkException e) {
    if (!(e instanceof SdkClientException)) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return e.retryable();
  }

  /** Sleeps before read attempt {@code attempt + 1}: exponential backoff with full jitter. */
  static void pause(int attempt) throws IOException {
    long cap = Math.min(5_000, 100L << Math.min(attempt, 10));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", ie);
    }
  }
}
