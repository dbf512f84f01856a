package dev.arca.it;

import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.Storages;
import dev.arca.engine.storage.s3.S3Settings;
import java.net.URI;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 servers of the integration tier, each started once per test JVM: S3Proxy in-process and a
 * MinIO process. Both accept the test credentials that surefire puts in the {@code aws.*} system
 * properties, where the SDK's default chain finds them.
 */
public final class S3Servers {
  public static final String ACCESS_KEY = System.getProperty("aws.accessKeyId", "arca-test-access");
  public static final String SECRET_KEY =
      System.getProperty("aws.secretAccessKey", "arca-test-secret-key");

  private static S3Proxy s3proxy;

  private S3Servers() {}

  /** The in-process S3Proxy (in-memory blob store). */
  public static synchronized URI s3proxy() {
    if (s3proxy == null) {
      s3proxy = new S3Proxy();
    }
    return s3proxy.uri();
  }

  /** The MinIO server. */
  public static URI minio() {
    return Minio.get().uri();
  }

  /** An SDK client for test set-up (buckets), with the test credentials. */
  public static S3Client admin(URI endpoint) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /** Creates a bucket with a fresh name; with object lock if asked. */
  public static String newBucket(URI endpoint, boolean objectLock) {
    String name = "arca-" + UUID.randomUUID().toString().substring(0, 13);
    try (S3Client s3 = admin(endpoint)) {
      s3.createBucket(b -> b.bucket(name).objectLockEnabledForBucket(objectLock ? true : null));
    }
    return name;
  }

  /** Settings that reach {@code endpoint}. */
  public static S3Settings settings(URI endpoint) {
    return new S3Settings(endpoint.toString(), null, null, null, null, null, null, null);
  }

  /**
   * The store at {@code url} on {@code endpoint} that writes under Object Lock retention {@code
   * lock} ({@code MODE:DAYS}, as {@code ARCA_OBJECT_LOCK} gives it).
   */
  public static Storage lockedStore(URI endpoint, String url, String lock) {
    return Storages.open(
        url,
        settings(endpoint),
        dev.arca.engine.storage.gcs.GcsSettings.defaults(),
        dev.arca.engine.storage.azure.AzureSettings.defaults(),
        java.util.Map.of(
            "AWS_ACCESS_KEY_ID",
            ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            SECRET_KEY,
            dev.arca.engine.storage.ObjectLock.ENV,
            lock));
  }

  /** A new, empty store: a fresh bucket on {@code endpoint} with a prefix in it. */
  public static Storage newStore(URI endpoint) {
    return Storages.open("s3://" + newBucket(endpoint, false) + "/repo", settings(endpoint));
  }

  /** The in-process S3Proxy, started on a free port of 127.0.0.1. */
  private static final class S3Proxy {
    private final org.gaul.s3proxy.junit.S3ProxyJunitCore core;

    S3Proxy() {
      core =
          new org.gaul.s3proxy.junit.S3ProxyJunitCore.Builder()
              .withCredentials(ACCESS_KEY, SECRET_KEY)
              .withBlobStoreProvider("transient")
              // the SDK's multipart completion sends x-amz-mp-object-size, unknown to S3Proxy
              .ignoreUnknownHeaders()
              .build();
      try {
        core.beforeEach();
      } catch (Exception e) {
        throw new IllegalStateException("S3Proxy did not start: " + e, e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(core::afterEach));
    }

    URI uri() {
      return core.getUri();
    }
  }
}
