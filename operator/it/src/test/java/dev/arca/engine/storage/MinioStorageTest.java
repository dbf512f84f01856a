package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
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

  @Test
  void largeObjectsGoUpInPartsAndReadBackWhole() throws Exception {
    URI minio = S3Servers.minio();
    S3Settings small =
        new S3Settings(minio.toString(), null, null, null, null, null, 6L << 20, 5L << 20);
    try (Storage s = Storages.open("s3://" + S3Servers.newBucket(minio, false) + "/p", small)) {
      byte[] big = Fixtures.random(13 << 20, 7);
      s.create("data/00/big", big);
      assertThat(s.read("data/00/big")).isEqualTo(big);
      assertThat(s.read("data/00/big", 12 << 20, 1000))
          .isEqualTo(java.util.Arrays.copyOfRange(big, 12 << 20, (12 << 20) + 1000));
      // the same bytes again are fine (a retried upload); other bytes are refused
      s.create("data/00/big", big);
      big[0] ^= 1;
      assertThatThrownBy(() -> s.create("data/00/big", big))
          .isInstanceOf(ObjectExistsException.class);
    }
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
