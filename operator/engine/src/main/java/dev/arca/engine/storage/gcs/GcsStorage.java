package dev.arca.engine.storage.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.StorageException;
import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.ExactLengthStream;
import dev.arca.engine.storage.Md5;
import dev.arca.engine.storage.ObjectExistsException;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Objects in a Google Cloud Storage bucket under a key prefix ({@code gs://bucket/prefix}).
 *
 * <p>{@link #create} writes with {@code ifGenerationMatch=0}, so an existing object is never
 * replaced; when the key exists and holds exactly the bytes being written (a retried request whose
 * first attempt had succeeded), it returns normally, otherwise it throws {@link
 * ObjectExistsException}. Objects above the resumable threshold (only packs) go up in a resumable
 * upload, chunk by chunk, each chunk retried on its own.
 */
public final class GcsStorage implements Storage {
  /** Bytes one streamed range read asks for: a whole pack (32 MiB) at most. */
  static final int RANGE_READ_SIZE = 32 << 20;

  private final com.google.cloud.storage.Storage gcs;
  private final String bucket;
  private final String root;
  private final GcsSettings settings;
  private final GcsErrors errors;

  GcsStorage(com.google.cloud.storage.Storage gcs, String bucket, String prefix, GcsSettings s) {
    this.gcs = gcs;
    this.bucket = bucket;
    this.root = prefix.isEmpty() ? "" : prefix + "/";
    this.settings = s;
    String where =
        "gs://"
            + bucket
            + (prefix.isEmpty() ? "" : "/" + prefix)
            + (s.endpoint() == null ? "" : " at " + s.endpoint());
    this.errors = new GcsErrors(where);
  }

  /** Opens {@code gs://bucket[/prefix]} with settings resolved from the environment. */
  public static GcsStorage open(String url, GcsSettings given) {
    return open(url, given, System.getenv());
  }

  /**
   * Opens {@code gs://bucket[/prefix]} with settings resolved from {@code env} rather than the
   * process's environment ({@code GOOGLE_APPLICATION_CREDENTIALS} there names the key file).
   */
  public static GcsStorage open(String url, GcsSettings given, java.util.Map<String, String> env) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ArcaException.usage("repository URL '" + url + "' is not a valid URL");
    }
    String bucket = uri.getAuthority();
    if (bucket == null
        || bucket.isBlank()
        || bucket.contains("@")
        || bucket.contains(":")
        || !bucket.matches("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]")) {
      throw ArcaException.usage(
          "repository URL '"
              + url
              + "' must be gs://bucket/prefix with a bucket name of lower-case letters, digits,"
              + " dots, dashes and underscores (no credentials or port)");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String prefix = path.replaceAll("^/+", "").replaceAll("/+$", "");
    GcsSettings s = given.resolve(env);
    return new GcsStorage(GcsClients.build(s, env), bucket, prefix, s);
  }

  private BlobId id(String key) {
    return BlobId.of(bucket, root + key);
  }

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    BlobInfo info = BlobInfo.newBuilder(id(key)).setContentType("application/octet-stream").build();
    try {
      if (length > settings.resumableThreshold()) {
        upload(info, data, offset, length);
      } else {
        gcs.create(
            info,
            data,
            offset,
            length,
            com.google.cloud.storage.Storage.BlobTargetOption.doesNotExist());
      }
    } catch (StorageException e) {
      if (e.getCode() == 412) {
        existing(key, data, offset, length);
        return;
      }
      throw errors.map(e, "write", key);
    }
  }

  /** A resumable upload: the session survives a failed chunk, which the client sends again. */
  private void upload(BlobInfo info, byte[] data, int offset, int length) throws IOException {
    try (WriteChannel w =
        gcs.writer(info, com.google.cloud.storage.Storage.BlobWriteOption.doesNotExist())) {
      w.setChunkSize(settings.chunkSize());
      ByteBuffer b = ByteBuffer.wrap(data, offset, length);
      while (b.hasRemaining()) {
        w.write(b);
      }
    } catch (IOException e) {
      StorageException se = GcsErrors.storageCause(e);
      if (se != null) {
        throw se;
      }
      throw errors.map(e, "write", info.getName());
    }
  }

  /** The key exists: fine if it holds exactly these bytes, otherwise an error. */
  private void existing(String key, byte[] data, int offset, int length) throws IOException {
    Blob b = blob(key);
    if (b == null || b.getSize() == null || b.getSize() != length) {
      throw new ObjectExistsException(key);
    }
    if (b.getMd5() != null
        && b.getMd5().equals(Base64.getEncoder().encodeToString(Md5.of(data, offset, length)))) {
      return;
    }
    if (!Arrays.equals(read(key), 0, length, data, offset, offset + length)) {
      throw new ObjectExistsException(key);
    }
  }

  @Override
  public byte[] read(String key) throws IOException {
    try {
      return gcs.readAllBytes(id(key));
    } catch (StorageException e) {
      throw readFailure(e, key);
    }
  }

  @Override
  public byte[] read(String key, long offset, int length) throws IOException {
    byte[] out = new byte[length];
    read(key, offset, length, out);
    return out;
  }

  /** Reads the range straight into {@code dest}; a range past the object's end fails. */
  @Override
  public void read(String key, long offset, int length, byte[] dest) throws IOException {
    try (InputStream in = openRange(key, offset, length)) {
      if (in.readNBytes(dest, 0, length) != length) {
        throw new IOException("short read of " + key + " at " + offset);
      }
    }
  }

  /**
   * One streamed read of the range (one GET). A range past the object's end fails with {@link
   * ObjectMissingException} when the body ends early: its size is asked for then, so a body that
   * stops early is never taken for the end of the object.
   */
  @Override
  public InputStream openRange(String key, long offset, long length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative range " + offset + "+" + length);
    }
    if (length == 0) {
      if (size(key) < offset) {
        throw new ObjectMissingException(key, "range at " + offset + " runs past the end");
      }
      return InputStream.nullInputStream();
    }
    ReadChannel r = gcs.reader(id(key));
    try {
      r.setChunkSize(0); // no buffering in the client: the caller reads in large pieces
      r.seek(offset);
      r.limit(offset + length);
    } catch (IOException | StorageException e) {
      r.close();
      throw e instanceof StorageException se ? readFailure(se, key) : (IOException) e;
    }
    return new Body(r, key, offset, length);
  }

  /** Exactly {@code length} bytes of a read channel. */
  private final class Body extends ExactLengthStream {
    private final ReadChannel in;
    private final String key;
    private final long offset;

    Body(ReadChannel in, String key, long offset, long length) {
      super(length);
      this.in = in;
      this.key = key;
      this.offset = offset;
    }

    @Override
    protected int readBody(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(ByteBuffer.wrap(b, off, len));
      } catch (StorageException e) {
        throw readFailure(e, key);
      } catch (IOException e) {
        StorageException se = GcsErrors.storageCause(e);
        if (se != null) {
          throw readFailure(se, key);
        }
        throw new IOException(
            "reading " + key + " from " + errors.where() + " failed: " + e.getMessage(), e);
      }
    }

    @Override
    protected IOException endedEarly(long got) throws IOException {
      long size = size(key);
      if (size < offset + length()) {
        return new ObjectMissingException(
            key,
            "range at " + offset + " of " + length() + " bytes runs past the end (" + size + ")");
      }
      return new IOException(
          "the response for " + key + " ended after " + got + " of " + length() + " bytes");
    }

    @Override
    public void close() {
      in.close();
    }
  }

  /** What a read's failure means: a missing object, or the store's failure. */
  private IOException readFailure(StorageException e, String key) {
    if (e.getCode() == 404 && !GcsErrors.noBucket(e)) {
      return new ObjectMissingException(key, null);
    }
    if (e.getCode() == 416) {
      return new ObjectMissingException(key, "range runs past the end");
    }
    return errors.map(e, "read", key);
  }

  @Override
  public int rangeReadSize() {
    return RANGE_READ_SIZE;
  }

  @Override
  public long size(String key) throws IOException {
    Blob b = blob(key);
    return b == null || b.getSize() == null ? -1 : b.getSize();
  }

  /** The object's metadata, or null when it does not exist. */
  private Blob blob(String key) throws IOException {
    try {
      return gcs.get(id(key));
    } catch (StorageException e) {
      throw errors.map(e, "read", key);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    try {
      for (Blob b :
          gcs.list(bucket, com.google.cloud.storage.Storage.BlobListOption.prefix(root + prefix))
              .iterateAll()) {
        var created = b.getCreateTimeOffsetDateTime();
        out.add(
            new ObjectInfo(
                b.getName().substring(root.length()),
                b.getSize() == null ? 0 : b.getSize(),
                created == null ? null : created.toInstant()));
      }
    } catch (StorageException e) {
      throw errors.map(e, "list", prefix);
    }
    return out;
  }

  /**
   * Removes an object. Under a retention policy or an object hold the store refuses (403 with
   * reason {@code retentionPolicyNotMet} or an object-hold message): the bytes stay until the
   * policy allows, which is reported as "kept" (false), as a locked S3 object is.
   */
  @Override
  public boolean delete(String key) throws IOException {
    try {
      gcs.delete(id(key));
      return true;
    } catch (StorageException e) {
      if (GcsErrors.retained(e)) {
        return false;
      }
      throw errors.map(e, "delete", key);
    }
  }

  /**
   * Deletes every generation of {@code key} (the noncurrent ones of a bucket with Object Versioning
   * too) and checks that none is left.
   */
  @Override
  public void purge(String key) throws IOException {
    String name = root + key;
    try {
      for (int pass = 0; pass < 2; pass++) {
        List<BlobId> generations = new ArrayList<>();
        for (Blob b :
            gcs.list(
                    bucket,
                    com.google.cloud.storage.Storage.BlobListOption.prefix(name),
                    com.google.cloud.storage.Storage.BlobListOption.versions(true))
                .iterateAll()) {
          if (b.getName().equals(name)) {
            generations.add(BlobId.of(bucket, name, b.getGeneration()));
          }
        }
        if (generations.isEmpty()) {
          return;
        }
        if (pass == 1) {
          throw new IOException(
              errors.where() + " still holds " + generations.size() + " generation(s) of " + key);
        }
        for (BlobId g : generations) {
          gcs.delete(g);
        }
      }
    } catch (StorageException e) {
      throw errors.map(e, "delete every generation of", key);
    }
  }

  @Override
  public String describe() {
    return errors.where();
  }

  @Override
  public void close() throws IOException {
    try {
      gcs.close();
    } catch (Exception e) {
      throw new IOException("closing the GCS client failed: " + e.getMessage(), e);
    }
  }
}
