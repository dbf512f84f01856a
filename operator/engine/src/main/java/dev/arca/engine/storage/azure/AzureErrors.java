package dev.arca.engine.storage.azure;

import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.StoreUnreachableException;
import java.io.IOException;

/**
 * Turns client failures into errors a user can act on, as the S3 and GCS stores do: permanent ones
 * (refused credentials, a missing container, no credentials) become {@link ArcaException}s that say
 * what to fix; a failure to connect becomes a {@link StoreUnreachableException}; the rest become
 * {@link IOException}s naming the operation, the store and the key. Messages carry the service's
 * status and error code, never credentials.
 */
final class AzureErrors {
  private final String where;
  private final AzureClients.Auth auth;
  private volatile boolean answered;

  AzureErrors(String where, AzureClients.Auth auth) {
    this.where = where;
    this.auth = auth;
  }

  String where() {
    return where;
  }

  IOException map(RuntimeException e, String what, String key) {
    Throwable connect = StoreUnreachableException.connectFailure(e);
    if (connect != null) {
      return new StoreUnreachableException(
          "cannot " + what + " " + key + " in " + where + ": cannot connect: " + connect,
          answered,
          e);
    }
    if (!(e instanceof BlobStorageException b)) {
      String msg = String.valueOf(e.getMessage());
      if (e.getClass().getName().startsWith("com.azure.identity.")) {
        throw new ArcaException(
            ArcaException.Kind.ERROR,
            "no Azure credentials found for "
                + where
                + ": set AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, or run with workload"
                + " identity (AKS) or a managed identity; "
                + firstLine(msg),
            e);
      }
      return new IOException("cannot " + what + " " + key + " in " + where + ": " + msg, e);
    }
    answered = true;
    int status = b.getStatusCode();
    BlobErrorCode code = b.getErrorCode();
    if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
      throw new ArcaException(
          ArcaException.Kind.NO_REPOSITORY,
          "the container of "
              + where
              + " does not exist; create it first (for example `az storage container create`)",
          e);
    }
    if (status == 401 || status == 403) {
      throw new ArcaException(
          ArcaException.Kind.ERROR,
          "Azure refused to "
              + what
              + " "
              + key
              + " in "
              + where
              + " (HTTP "
              + status
              + (code == null ? "" : " " + code)
              + "): check the credentials ("
              + switch (auth) {
                case ACCOUNT_KEY -> "AZURE_STORAGE_KEY";
                case SAS -> "AZURE_STORAGE_SAS_TOKEN: its permissions and expiry";
                case ENTRA_ID -> "workload or managed identity, AZURE_CLIENT_ID";
              }
              + ") and the account's role assignments (Storage Blob Data Contributor)",
          e);
    }
    return new IOException(
        "Azure cannot "
            + what
            + " "
            + key
            + " in "
            + where
            + ": HTTP "
            + status
            + (code == null ? "" : " " + code)
            + (status == 503 || status == 500
                ? " (the service is busy or throttling; retried until given up)"
                : ""),
        e);
  }

  /** Records that the service answered (connect failures after that are retried longer). */
  void answered() {
    answered = true;
  }

  /** A delete refused because an immutability policy or a legal hold keeps the blob. */
  static boolean retained(BlobStorageException e) {
    String code = e.getErrorCode() == null ? "" : e.getErrorCode().toString();
    return e.getStatusCode() == 409 && code.startsWith("BlobImmutable");
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
