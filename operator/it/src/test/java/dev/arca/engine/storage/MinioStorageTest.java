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
