package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.it.S3Servers;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The storage contract on a real MinIO server, plus what only a real server shows. */
class MinioStorageTest extends StorageContract {
  @Override
  protected Storage newStorage() {
    return S3Servers.newStore(S3Servers.minio());
  }

  @Override
  protected Storage newStorageWithSmallPieces() {
    URI minio = S3Servers.minio();
    return Storages.open(
        "s3://" + S3Servers.newBucket(minio, false) + "/p",
        new S3Settings(minio.toString(), null, null, null, null, null, 6L << 20, 5L << 20));
  }

  @Test
  void purgeRemovesEveryVersionOfAKeyFromAVersionedBucket() throws Exception {
    URI minio = S3Servers.minio();
    String bucket = S3Servers.newBucket(minio, true); // Object Lock turns versioning on
    try (Storage s = Storages.open("s3://" + bucket + "/r", S3Servers.settings(minio));
        var admin = S3Servers.admin(minio)) {
      s.create("keys/slot", new byte[] {1});
      s.delete("keys/slot"); // a delete marker; the bytes stay as a noncurrent version
      s.create("keys/slot", new byte[] {2});
      s.create("keys/slot2", new byte[] {3});
      assertThat(versions(admin, bucket, "r/keys/slot")).isEqualTo(3);
      s.purge("keys/slot");
      assertThat(versions(admin, bucket, "r/keys/slot")).isZero();
      assertThat(versions(admin, bucket, "r/keys/slot2")).isEqualTo(1);
    }
  }

  /** Versions and delete markers of exactly {@code key}. */
  static int versions(software.amazon.awssdk.services.s3.S3Client s3, String bucket, String key) {
    var page = s3.listObjectVersions(b -> b.bucket(bucket).prefix(key));
    return (int)
        (page.versions().stream().filter(v -> v.key().equals(key)).count()
            + page.deleteMarkers().stream().filter(m -> m.key().equals(key)).count());
  }

  @Test
  void aMissingBucketIsReportedAsNoRepository() {
    URI minio = S3Servers.minio();
    try (Storage s = Storages.open("s3://no-such-bucket-arca/x", S3Servers.settings(minio))) {
      assertThatThrownBy(() -> s.read("config"))
          .isInstanceOfSatisfying(
              ArcaException.class,
              e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.NO_REPOSITORY))
          .hasMessageContaining("s3://no-such-bucket-arca/x")
          .hasMessageContaining("does not exist; create it first");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
