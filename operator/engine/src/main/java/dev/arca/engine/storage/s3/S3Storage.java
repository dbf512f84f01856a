package dev.arca.engine.storage.s3;

import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.ExactLengthStream;
import dev.arca.engine.storage.Md5;
import dev.arca.engine.storage.ObjectExistsException;
import dev.arca.engine.storage.ObjectLock;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3 bucket under a key prefix ({@code s3://bucket/prefix}).
 *
 * <p>{@link #create} is a conditional PUT ({@code If-None-Match: *}); when the key exists and holds
 * exactly the bytes being written (a retried request whose first attempt had succeeded), it returns
 * normally, otherwise it throws {@link ObjectExistsException}. Objects above the multipart
 * threshold (only packs, which are named by their content hash) go up in parts.
 */
public final class S3Storage implements Storage {
  private static final int READ_ATTEMPTS = 4;

  /**
   * Bytes asked for with one ranged GET when a restore streams a pack: a whole pack (32 MiB) at
   * most, so that a request's round trip and the SDK's work per request are paid rarely.
   */
  static final int RANGE_READ_SIZE = 32 << 20;

  private final S3Client s3;
  private final String bucket;
  private final String root;
  private final S3Settings settings;
  private final String where;
  private final Multipart multipart;
  private volatile boolean conditionalPuts = true;
  private volatile ObjectLock lock;

  S3Storage(S3Client s3, String bucket, String prefix, S3Settings settings) {
    this.s3 = s3;
    this.bucket = bucket;
    this.root = prefix.isEmpty() ? "" : prefix + "/";
    this.settings = settings;
    this.where =
        "s3://"
            + bucket
            + (prefix.isEmpty() ? "" : "/" + prefix)
            + (settings.endpoint() == null ? "" : " at " + settings.endpoint());
    this.multipart = new Multipart(s3, bucket, settings.partSize());
  }

  /** Opens {@code s3://bucket[/prefix]} with settings resolved from the environment. */
  public static S3Storage open(String url, S3Settings given, int maxConnections) {
    return open(url, given, maxConnections, System.getenv());
  }

  /**
   * Opens {@code s3://bucket[/prefix]} with settings and credentials resolved from {@code env} (the
   * AWS CLI's variables) rather than the process's environment.
   */
  public static S3Storage open(
      String url, S3Settings given, int maxConnections, java.util.Map<String, String> env) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ArcaException.usage("repository URL '" + url + "' is not a valid URL");
    }
    String bucket = uri.getAuthority();
    if (bucket == null || bucket.isBlank() || bucket.contains("@") || bucket.contains(":")) {
      throw ArcaException.usage(
          "repository URL '" + url + "' must be s3://bucket/prefix (no credentials or port)");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String prefix = path.replaceAll("^/+", "").replaceAll("/+$", "");
    S3Settings s = given.resolve(env);
    return new S3Storage(S3Clients.build(s, maxConnections, env), bucket, prefix, s);
  }

  /**
   * Writes packs, index and snapshot objects and audit records from now on under {@code l}'s
   * retention (the bucket must have Object Lock enabled; null: none).
   */
  public void objectLock(ObjectLock l) {
    this.lock = l;
  }

  @Override
  public ObjectLock objectLock() {
    return lock;
  }

  /**
   * Asks for the object's retention with a HEAD, unless the bucket is known to have no Object Lock:
   * a bucket where it was never enabled holds no retention, so prune and forget need not ask for
   * each object they delete.
   */
  @Override
  public java.time.Instant retainedUntil(String key) throws IOException {
    if (!mayLock()) {
      return null;
    }
    HeadObjectResponse h = head(key);
    return h == null ? null : h.objectLockRetainUntilDate();
  }

  /** Whether the bucket's Object Lock is enabled or unknown (asked once). */
  private volatile Boolean bucketLocks;

  private boolean mayLock() {
    Boolean known = bucketLocks;
    if (known == null) {
      known = askBucketLocks();
      bucketLocks = known;
    }
    return known;
  }

  /**
   * False only when the bucket says it has no Object Lock configuration; true when it has one, and
   * when it cannot tell (no right to ask, a server without the call, a failure): then each object
   * is asked, as without this.
   */
  private boolean askBucketLocks() {
    try {
      var c = s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
      return c != null && c.objectLockEnabled() != null;
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      return !"ObjectLockConfigurationNotFoundError".equals(code);
    } catch (SdkException e) {
      return true;
    }
  }

  @Override
  public void extendRetention(String key, ObjectLock.Mode mode, java.time.Instant until)
      throws IOException {
    try {
      s3.putObjectRetention(
          b ->
              b.bucket(bucket)
                  .key(root + key)
                  .retention(
                      r ->
                          r.mode(ObjectLockRetentionMode.fromValue(mode.name()))
                              .retainUntilDate(until)));
    } catch (S3Exception e) {
      throw S3Errors.map(e, "extend the retention of", where, key);
    } catch (SdkException e) {
      throw S3Errors.map(e, "extend the retention of", where, key);
    }
  }

  /** The retention to write {@code key} under, or null. */
  private Multipart.Retention retention(String key) {
    ObjectLock l = lock;
    if (l == null || !ObjectLock.lockable(key)) {
      return null;
    }
    return new Multipart.Retention(
        ObjectLockMode.fromValue(l.mode().name()), l.until(java.time.Instant.now()));
  }

  @Override
  public void create(String key, byte[] data, int offset, int length) throws IOException {
    String k = root + key;
    Multipart.Retention keep = retention(key);
    if (length > settings.multipartThreshold()) {
      if (size(key) >= 0) {
        existing(key, data, offset, length);
        return;
      }
      call("upload", key, () -> multipart.upload(k, data, offset, length, keep));
      return;
    }
    boolean conditional = conditionalPuts;
    if (!conditional && size(key) >= 0) {
      existing(key, data, offset, length);
      return;
    }
    try {
      s3.putObject(
          b -> {
            b.bucket(bucket).key(k).contentLength((long) length);
            if (conditional) {
              b.ifNoneMatch("*");
            }
            if (keep != null) {
              b.objectLockMode(keep.mode()).objectLockRetainUntilDate(keep.until());
              b.contentMD5(
                  java.util.Base64.getEncoder().encodeToString(Md5.of(data, offset, length)));
            }
          },
          RequestBody.fromContentProvider(
              () -> new ByteArrayInputStream(data, offset, length),
              length,
              "application/octet-stream"));
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        existing(key, data, offset, length);
        return;
      }
      if (conditional && e.statusCode() == 501) {
        conditionalPuts = false; // the server does not know If-None-Match: check, then put
        create(key, data, offset, length);
        return;
      }
      throw S3Errors.map(e, "write", where, key);
    } catch (SdkException e) {
      throw S3Errors.map(e, "write", where, key);
    }
  }

  /** The key exists: fine if it holds exactly these bytes, otherwise an error. */
  private void existing(String key, byte[] data, int offset, int length) throws IOException {
    HeadObjectResponse head = head(key);
    if (head == null || head.contentLength() != length) {
      throw new ObjectExistsException(key);
    }
    String etag = head.eTag() == null ? "" : head.eTag().replace("\"", "");
    if (etag.length() == 32
        && etag.equalsIgnoreCase(HexFormat.of().formatHex(Md5.of(data, offset, length)))) {
      return;
    }
    if (!Arrays.equals(read(key), 0, length, data, offset, offset + length)) {
      throw new ObjectExistsException(key);
    }
  }

  @Override
  public byte[] read(String key) throws IOException {
    return get(key, null, -1, null);
  }

  @Override
  public byte[] read(String key, long offset, int length) throws IOException {
    byte[] out = new byte[length];
    read(key, offset, length, out);
    return out;
  }

  /** Streams the range straight into {@code dest}: no intermediate buffer or copy. */
  @Override
  public void read(String key, long offset, int length, byte[] dest) throws IOException {
    if (length == 0) {
      if (size(key) < offset) {
        throw new ObjectMissingException(key, "range at " + offset + " runs past the end");
      }
      return;
    }
    get(key, "bytes=" + offset + "-" + (offset + length - 1), length, dest);
  }

  /**
   * GETs an object or a range: into a new array ({@code dest} null), or exactly {@code expected}
   * bytes into {@code dest}. Transient failures, also in the middle of the body, are retried.
   */
  private byte[] get(String key, String range, int expected, byte[] dest) throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
      try {
        int got;
        String total;
        byte[] bytes = dest;
        if (dest == null) {
          ResponseBytes<GetObjectResponse> r =
              s3.getObjectAsBytes(b -> b.bucket(bucket).key(root + key).range(range));
          bytes = r.asByteArrayUnsafe();
          got = bytes.length;
          total = r.response().contentRange();
        } else {
          try (ResponseInputStream<GetObjectResponse> in =
              s3.getObject(b -> b.bucket(bucket).key(root + key).range(range))) {
            got = in.readNBytes(dest, 0, expected);
            total = in.response().contentRange();
          }
        }
        if (expected < 0 || got == expected) {
          return bytes;
        }
        if (total != null && total.contains("/") && got < expected) {
          throw new ObjectMissingException(
              key, "range " + range + " runs past the end (" + total + ")");
        }
        last = new IOException("S3 returned " + got + " bytes for " + range + " of " + key);
      } catch (ObjectMissingException e) {
        throw e;
      } catch (S3Exception e) {
        throw readFailure(e, key, range);
      } catch (SdkException e) {
        IOException mapped = S3Errors.map(e, "read", where, key);
        if (!S3Errors.transientFailure(e)) {
          throw mapped;
        }
        last = mapped;
      } catch (IOException e) {
        // the connection failed while the body streamed in: try again
        last =
            new IOException("reading " + key + " from " + where + " failed: " + e.getMessage(), e);
      }
      S3Errors.pause(attempt);
    }
    throw last;
  }

  /** What a GET's error response means: a missing object or range, or the store's failure. */
  private IOException readFailure(S3Exception e, String key, String range) {
    if (e.statusCode() == 404 && !"NoSuchBucket".equals(S3Errors.code(e))) {
      return new ObjectMissingException(key, null);
    }
    if (e.statusCode() == 416) {
      return new ObjectMissingException(key, "range " + range + " runs past the end");
    }
    return S3Errors.map(e, "read", where, key);
  }

  /**
   * One GET of the whole range, its body streamed to the caller as it arrives. A response shorter
   * than the range (the object ends sooner) fails at once; a body that stops early fails the read
   * that meets its end ({@link dev.arca.engine.storage.RetryingStorage} then resumes from there).
   */
  @Override
  public InputStream openRange(String key, long offset, long length) throws IOException {
    if (length == 0) {
      read(key, offset, 0, new byte[0]);
      return InputStream.nullInputStream();
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = s3.getObject(b -> b.bucket(bucket).key(root + key).range(range));
    } catch (S3Exception e) {
      throw readFailure(e, key, range);
    } catch (SdkException e) {
      throw S3Errors.map(e, "read", where, key);
    }
    Long got = in.response().contentLength();
    if (got == null || got != length) {
      in.abort();
      in.close();
      String total = in.response().contentRange();
      if (got != null && got < length && total != null && total.contains("/")) {
        throw new ObjectMissingException(
            key, "range " + range + " runs past the end (" + total + ")");
      }
      throw new IOException("S3 answered " + got + " bytes for " + range + " of " + key);
    }
    return new Body(in, key, length);
  }

  /** Exactly {@code length} bytes of a GET's body; closing it early drops the connection. */
  private static final class Body extends ExactLengthStream {
    private final ResponseInputStream<GetObjectResponse> in;
    private final String key;

    Body(ResponseInputStream<GetObjectResponse> in, String key, long length) {
      super(length);
      this.in = in;
      this.key = key;
    }

    @Override
    protected int readBody(byte[] b, int off, int len) throws IOException {
      return in.read(b, off, len);
    }

    @Override
    protected IOException endedEarly(long got) {
      return new IOException(
          "the response for " + key + " ended after " + got + " of " + length() + " bytes");
    }

    @Override
    public void close() throws IOException {
      if (!finished()) {
        in.abort(); // rather than read the rest only to reuse the connection
      }
      in.close();
    }
  }

  @Override
  public int rangeReadSize() {
    return RANGE_READ_SIZE;
  }

  @Override
  public long size(String key) throws IOException {
    HeadObjectResponse h = head(key);
    return h == null ? -1 : h.contentLength();
  }

  private HeadObjectResponse head(String key) throws IOException {
    try {
      return s3.headObject(b -> b.bucket(bucket).key(root + key));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw S3Errors.map(e, "read", where, key);
    } catch (SdkException e) {
      throw S3Errors.map(e, "read", where, key);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    call(
        "list",
        prefix,
        () -> {
          for (S3Object o :
              s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(root + prefix)).contents()) {
            out.add(new ObjectInfo(o.key().substring(root.length()), o.size(), o.lastModified()));
          }
        });
    return out;
  }

  @Override
  public boolean delete(String key) throws IOException {
    try {
      // On a versioned bucket this adds a delete marker and the bytes stay as a noncurrent
      // version (kept by Object Lock retention, removed by lifecycle rules).
      Boolean marker = s3.deleteObject(b -> b.bucket(bucket).key(root + key)).deleteMarker();
      return marker == null || !marker;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return true;
      }
      throw S3Errors.map(e, "delete", where, key);
    } catch (SdkException e) {
      throw S3Errors.map(e, "delete", where, key);
    }
  }

  /**
   * Deletes every version and delete marker of {@code key} by its version id (needs {@code
   * s3:ListBucketVersions} and {@code s3:DeleteObjectVersion}), and checks that none is left. A
   * store that cannot list versions has none: there the key is deleted as {@link #delete} does.
   */
  @Override
  public void purge(String key) throws IOException {
    String full = root + key;
    List<String> versions = versions(full);
    if (versions == null) {
      if (!delete(key)) {
        throw new IOException(where + " keeps a version of " + key + " after its deletion");
      }
      return;
    }
    try {
      for (String v : versions) {
        s3.deleteObject(b -> b.bucket(bucket).key(full).versionId(v));
      }
    } catch (SdkException e) {
      throw S3Errors.map(e, "delete every version of", where, key);
    }
    if (size(key) >= 0 && !delete(key)) { // a server that lists no versions of what it holds
      throw new IOException(where + " keeps a version of " + key + " after its deletion");
    }
    List<String> left = versions(full);
    if (left != null && !left.isEmpty()) {
      throw new IOException(
          where + " still holds " + left.size() + " version(s) of " + key + " after deleting them");
    }
  }

  /** The version ids (and delete markers') of exactly {@code full}, or null: none are listed. */
  private List<String> versions(String full) throws IOException {
    List<String> out = new ArrayList<>();
    try {
      for (var page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(full))) {
        page.versions().stream()
            .filter(v -> v.key().equals(full) && v.versionId() != null)
            .forEach(v -> out.add(v.versionId()));
        page.deleteMarkers().stream()
            .filter(m -> m.key().equals(full) && m.versionId() != null)
            .forEach(m -> out.add(m.versionId()));
      }
    } catch (S3Exception e) {
      if (e.statusCode() == 501 || e.statusCode() == 405) {
        return null; // a server without versions
      }
      throw S3Errors.map(e, "list the versions of", where, full.substring(root.length()));
    } catch (SdkException e) {
      throw S3Errors.map(e, "list the versions of", where, full.substring(root.length()));
    }
    return out;
  }

  @Override
  public int removeLeftovers(java.time.Instant olderThan) throws IOException {
    int[] n = {0};
    call(
        "clean up",
        "multipart uploads",
        () -> {
          for (var u :
              s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(root)).uploads()) {
            if (u.initiated() != null && u.initiated().isBefore(olderThan)) {
              s3.abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
              n[0]++;
            }
          }
        });
    return n[0];
  }

  @Override
  public String describe() {
    return where;
  }

  @Override
  public void close() {
    s3.close();
  }

  /** Bucket, prefix and resolved settings, for diagnostics. */
  public Map<String, String> details() {
    return Map.of(
        "bucket",
        bucket,
        "prefix",
        root,
        "region",
        String.valueOf(settings.region()),
        "pathStyle",
        String.valueOf(settings.pathStyle()));
  }

  private void call(String what, String key, Runnable r) throws IOException {
    try {
      r.run();
    } catch (SdkException e) {
      throw S3Errors.map(e, what, where, key);
    }
  }
}
