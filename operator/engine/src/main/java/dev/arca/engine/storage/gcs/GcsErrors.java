package dev.arca.engine.storage.gcs;

import com.google.cloud.storage.StorageException;
import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.StoreUnreachableException;
import java.io.IOException;
import java.util.Locale;

/**
 * Turns client failures into errors a user can act on, as {@code S3Errors} does for S3: permanent
 * ones (refused credentials, a missing bucket, no credentials) become {@link ArcaException}s that
 * say what to fix; a failure to connect becomes a {@link StoreUnreachableException}; the rest
 * become {@link IOException}s naming the operation, the store and the key. Messages carry the
 * server's status and reason, never credentials.
 */
final class GcsErrors {
  private final String where;
  private volatile boolean answered;

  GcsErrors(String where) {
    this.where = where;
  }

  String where() {
    return where;
  }

  /** Records that the store answered a request (connect failures after that are retried longer). */
  void answered() {
    answered = true;
  }

  IOException map(Exception e, String what, String key) {
    Throwable connect = StoreUnreachableException.connectFailure(e);
    if (connect != null) {
      return new StoreUnreachableException(
          "cannot " + what + " " + key + " in " + where + ": cannot connect: " + connect,
          answered,
          e);
    }
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("default credentials were not found")
        || msg.contains("Application Default Credentials are not available")) {
      throw new ArcaException(
          ArcaException.Kind.ERROR,
          "no Google Cloud credentials found for "
              + where
              + ": set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run with"
              + " workload identity (GKE) or on a machine with a service account",
          e);
    }
    StorageException se = e instanceof StorageException s ? s : storageCause(e);
    if (se == null) {
      return new IOException("cannot " + what + " " + key + " in " + where + ": " + msg, e);
    }
    answered();
    int status = se.getCode();
    if (noBucket(se) || (status == 404 && what.equals("list"))) {
      // a listing answers an existing bucket with no match by an empty list, never a 404
      throw new ArcaException(
          ArcaException.Kind.NO_REPOSITORY,
          "the bucket of "
              + where
              + " does not exist; create it first (for example `gcloud storage buckets create`)",
          e);
    }
    if (status == 401 || status == 403) {
      throw new ArcaException(
          ArcaException.Kind.ERROR,
          "GCS refused to "
              + what
              + " "
              + key
              + " in "
              + where
              + " (HTTP "
              + status
              + (se.getReason() == null ? "" : " " + se.getReason())
              + "): check the credentials (GOOGLE_APPLICATION_CREDENTIALS or workload identity)"
              + " and the bucket's IAM roles (roles/storage.objectUser or equivalent)",
          e);
    }
    return new IOException(
        "GCS cannot "
            + what
            + " "
            + key
            + " in "
            + where
            + ": HTTP "
            + status
            + (status == 429 ? " (throttled: too many requests; retried until given up)" : "")
            + (se.getReason() == null ? "" : " " + se.getReason()),
        e);
  }

  /** A 404 that names the bucket rather than the object. */
  static boolean noBucket(StorageException e) {
    if (e.getCode() != 404) {
      return false;
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("bucket") && (m.contains("not exist") || m.contains("not found"));
  }

  /** A delete refused because a retention policy or an object hold keeps the object. */
  static boolean retained(StorageException e) {
    if (e.getCode() != 403) {
      return false;
    }
    String reason = String.valueOf(e.getReason());
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return reason.equals("retentionPolicyNotMet")
        || m.contains("retention policy")
        || m.contains("object hold")
        || m.contains("under active");
  }

  /** The {@link StorageException} a channel wrapped in an {@link IOException}, or null. */
  static StorageException storageCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StorageException s) {
        return s;
      }
    }
    return null;
  }
}
