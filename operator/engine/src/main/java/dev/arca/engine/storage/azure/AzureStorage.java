package dev.arca.engine.storage.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.Md5;
import dev.arca.engine.storage.ObjectExistsException;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Blobs in an Azure Storage container under a prefix ({@code azblob://account/container/prefix}).
 *
 * <p>{@link #create} writes with {@code If-None-Match: *}, so an existing blob is never replaced;
 * when the key exists and holds exactly the bytes being written (a retried request whose first
 * attempt had succeeded), it returns normally, otherwise it throws {@link ObjectExistsException}.
 * Blobs above the single-upload limit (only packs) go up as blocks committed with that condition.
 */
public final class AzureStorage implements Storage {
  private final BlobContainerClient container;
  private final String root;
  private final AzureSettings settings;
  private final AzureErrors errors;

  AzureStorage(
      BlobContainerClient container, String prefix, AzureSettings settings, AzureErrors errors) {
    this.container = container;
    this.root = prefix.isEmpty() ? "" : prefix + "/";
    this.settings = settings;
    this.errors = errors;
  }

  /** Opens {@code azblob://account/container[/prefix]} with settings from the environment. */
  public static AzureStorage open(String url, AzureSettings given) {
    return open(url, given, System.getenv());
  }

  /**
   * Opens {@code azblob://account/container[/prefix]} with settings and credentials resolved from
   * {@code env} rather than the process's environment.
   */
  public static AzureStorage open(
      String url, AzureSettings given, java.util.Map<String, String> env) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ArcaException.usage("repository URL '" + url + "' is not a valid URL");
    }
    String account = uri.getAuthority();
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "");
    int slash = path.indexOf('/');
    String container = slash < 0 ? path : path.substring(0, slash);
    String prefix = slash < 0 ? "" : path.substring(slash + 1).replaceAll("/+$", "");
    if (account == null
        || !account.matches("[a-z0-9]{3,24}")
        || !container.matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}")) {
      throw ArcaException.usage(
          "repository URL '"
              + url
              + "' must be azblob://account/container/prefix: an account name of 3-24 lower-case"
              + " letters and digits, a container name of 3-63 lower-case letters, digits and"
              + " single dashes");
    }
    AzureSettings s = given.resolve(env);
    AzureClients.Client c = AzureClients.build(account, container, s, env);
    String where =
        "azblob://"
            + account
            + "/"
            + container
            + (prefix.isEmpty() ? "" : "/" + prefix)
            + (s.endpoint() == null ? "" : " at " + s.endpoint());
    return new AzureStorage(c.container(), prefix, s, new AzureErrors(where, c.auth()));
  }

  private BlobClient blob(String key) {
    return container.getBlobClient(root + key);
  }

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    BlobRequestConditions absent = new BlobRequestConditions().setIfNoneMatch("*");
    BinaryData bytes = BinaryData.fromByteBuffer(ByteBuffer.wrap(data, offset, length));
    try {
      if (length > settings.singleUploadLimit()) {
        blob(key)
            .uploadWithResponse(
                new BlobParallelUploadOptions(bytes)
                    .setParallelTransferOptions(
                        new ParallelTransferOptions()
                            .setBlockSizeLong(settings.blockSize())
                            .setMaxSingleUploadSizeLong(settings.singleUploadLimit())
                            .setMaxConcurrency(2))
                    .setRequestConditions(absent),
                null,
                Context.NONE);
      } else {
        blob(key)
            .getBlockBlobClient()
            .uploadWithResponse(
                new BlockBlobSimpleUploadOptions(bytes)
                    .setContentMd5(Md5.of(data, offset, length))
                    .setRequestConditions(absent),
                null,
                Context.NONE);
      }
      errors.answered();
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
        existing(key, data, offset, length);
        return;
      }
      throw errors.map(e, "write", key);
    } catch (RuntimeException e) {
      throw errors.map(e, "write", key);
    }
  }

  /** The key exists: fine if it holds exactly these bytes, otherwise an error. */
  private void existing(String key, byte[] data, int offset, int length) throws IOException {
    BlobProperties p = properties(key);
    if (p == null || p.getBlobSize() != length) {
      throw new ObjectExistsException(key);
    }
    if (p.getContentMd5() != null
        && Arrays.equals(p.getContentMd5(), Md5.of(data, offset, length))) {
      return;
    }
    if (!Arrays.equals(read(key), 0, length, data, offset, offset + length)) {
      throw new ObjectExistsException(key);
    }
  }

  @Override
  public byte[] read(String key) throws IOException {
    try {
      // one GET, the body streamed into the array
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      blob(key).downloadStreamWithResponse(out, null, null, null, false, null, Context.NONE);
      errors.answered();
      return out.toByteArray();
    } catch (BlobStorageException e) {
      throw readFailure(e, key);
    } catch (RuntimeException e) {
      throw errors.map(e, "read", key);
    }
  }

  @Override
  public byte[] read(String key, long offset, int length) throws IOException {
    byte[] out = new byte[length];
    read(key, offset, length, out);
    return out;
  }

  /** One ranged GET straight into {@code dest}; a range past the blob's end fails. */
  @Override
  public void read(String key, long offset, int length, byte[] dest) throws IOException {
    if (length == 0) {
      if (size(key) < offset) {
        throw new ObjectMissingException(key, "range at " + offset + " runs past the end");
      }
      return;
    }
    Into into = new Into(dest, length);
    try {
      blob(key)
          .downloadStreamWithResponse(
              into, new BlobRange(offset, (long) length), null, null, false, null, Context.NONE);
      errors.answered();
    } catch (BlobStorageException e) {
      throw readFailure(e, key);
    } catch (RuntimeException e) {
      throw errors.map(e, "read", key);
    }
    if (into.written != length) {
      long size = size(key);
      if (size < offset + length) {
        throw new ObjectMissingException(
            key,
            "range at " + offset + " of " + length + " bytes runs past the end (" + size + ")");
      }
      throw new IOException(
          "Azure returned "
              + into.written
              + " of "
              + length
              + " bytes at "
              + offset
              + " of "
              + key);
    }
  }

  /** The bytes of a response, straight into the caller's array; more than asked for fails. */
  private static final class Into extends OutputStream {
    private final byte[] dest;
    private final int length;
    private int written;

    Into(byte[] dest, int length) {
      this.dest = dest;
      this.length = length;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > length - written) {
        throw new IOException("the response holds more than the " + length + " bytes asked for");
      }
      System.arraycopy(b, off, dest, written, len);
      written += len;
    }
  }

  /** What a read's failure means: a missing blob or range, or the store's failure. */
  private IOException readFailure(BlobStorageException e, String key) {
    if (BlobErrorCode.BLOB_NOT_FOUND.equals(e.getErrorCode())) {
      return new ObjectMissingException(key, null);
    }
    if (e.getStatusCode() == 416 || BlobErrorCode.INVALID_RANGE.equals(e.getErrorCode())) {
      return new ObjectMissingException(key, "range runs past the end");
    }
    if (e.getStatusCode() == 404 && e.getErrorCode() == null) {
      return new ObjectMissingException(key, null); // HEAD-like answers carry no error body
    }
    return errors.map(e, "read", key);
  }

  @Override
  public long size(String key) throws IOException {
    BlobProperties p = properties(key);
    return p == null ? -1 : p.getBlobSize();
  }

  /** The blob's properties, or null when it does not exist. */
  private BlobProperties properties(String key) throws IOException {
    try {
      BlobProperties p = blob(key).getProperties();
      errors.answered();
      return p;
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404 && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
        return null;
      }
      throw errors.map(e, "read", key);
    } catch (RuntimeException e) {
      throw errors.map(e, "read", key);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    try {
      for (BlobItem b :
          container.listBlobs(new ListBlobsOptions().setPrefix(root + prefix), null)) {
        var p = b.getProperties();
        out.add(
            new ObjectInfo(
                b.getName().substring(root.length()),
                p == null || p.getContentLength() == null ? 0 : p.getContentLength(),
                p == null || p.getCreationTime() == null ? null : p.getCreationTime().toInstant()));
      }
      errors.answered();
    } catch (RuntimeException e) {
      throw errors.map(e, "list", prefix);
    }
    return out;
  }

  /**
   * Removes a blob. Under an immutability policy or a legal hold the service refuses (409 {@code
   * BlobImmutableDueToPolicy}, {@code ...LegalHold}): the bytes stay until the policy allows, which
   * is reported as "kept" (false), as a locked S3 object is.
   */
  @Override
  public boolean delete(String key) throws IOException {
    try {
      blob(key).deleteIfExists();
      return true;
    } catch (BlobStorageException e) {
      if (AzureErrors.retained(e)) {
        return false;
      }
      throw errors.map(e, "delete", key);
    } catch (RuntimeException e) {
      throw errors.map(e, "delete", key);
    }
  }

  /**
   * Deletes {@code key} and every earlier version of it (an account with blob versioning keeps
   * them), and checks that none is left.
   */
  @Override
  public void purge(String key) throws IOException {
    String name = root + key;
    try {
      blob(key).deleteIfExists();
      for (int pass = 0; pass < 2; pass++) {
        List<String> versions = new ArrayList<>();
        var options =
            new ListBlobsOptions()
                .setPrefix(name)
                .setDetails(
                    new com.azure.storage.blob.models.BlobListDetails().setRetrieveVersions(true));
        for (BlobItem b : container.listBlobs(options, null)) {
          if (b.getName().equals(name)) {
            versions.add(b.getVersionId());
          }
        }
        if (versions.isEmpty()) {
          errors.answered();
          return;
        }
        if (pass == 1) {
          throw new IOException(
              errors.where() + " still holds " + versions.size() + " version(s) of " + key);
        }
        for (String v : versions) {
          if (v == null) {
            blob(key).deleteIfExists();
          } else {
            container.getBlobVersionClient(name, v).deleteIfExists();
          }
        }
      }
    } catch (BlobStorageException e) {
      throw errors.map(e, "delete every version of", key);
    } catch (RuntimeException e) {
      throw errors.map(e, "delete every version of", key);
    }
  }

  @Override
  public String describe() {
    return errors.where();
  }
}
