package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.gcs.GcsSettings;
import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.it.FakeGcs;
import dev.arca.it.Procs;
import org.junit.jupiter.api.Test;

/** The storage contract on fake-gcs-server, plus what only a GCS server shows. */
class GcsStorageTest extends StorageContract {
  @Override
  protected Storage newStorage() {
    return FakeGcs.get().newStore();
  }

  @Override
  protected Storage newStorageWithSmallPieces() {
    FakeGcs gcs = FakeGcs.get();
    return Storages.open(
        "gs://" + gcs.newBucket() + "/p",
        S3Settings.defaults(),
        new GcsSettings(gcs.uri().toString(), null, null, 1L << 20, 1 << 20));
  }

  @Test
  void aMissingBucketIsReportedAsNoRepository() throws Exception {
    FakeGcs gcs = FakeGcs.get();
    try (Storage s =
        Storages.open("gs://no-such-bucket-arca/x", S3Settings.defaults(), gcs.settings())) {
      assertThatThrownBy(() -> s.read("config"))
          .isInstanceOfSatisfying(
              ArcaException.class,
              e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.NO_REPOSITORY))
          .hasMessageContaining("gs://no-such-bucket-arca/x")
          .hasMessageContaining("does not exist; create it first");
      assertThatThrownBy(() -> s.list("snapshots/"))
          .isInstanceOfSatisfying(
              ArcaException.class,
              e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.NO_REPOSITORY))
          .hasMessageContaining("does not exist; create it first");
    }
  }

  @Test
  void aServerThatIsNotRunningIsReportedWithinSeconds() throws Exception {
    GcsSettings nobody =
        new GcsSettings("http://127.0.0.1:" + Procs.freePort(), null, 2, null, null);
    long start = System.nanoTime();
    try (Storage s = Storages.open("gs://some-bucket/x", S3Settings.defaults(), nobody)) {
      assertThatThrownBy(() -> s.read("config"))
          .isInstanceOf(StoreUnreachableException.class)
          .hasMessageContaining("gs://some-bucket/x")
          .hasMessageContaining("cannot connect");
    }
    assertThat((System.nanoTime() - start) / 1_000_000_000.0).isLessThan(30);
  }

  @Test
  void badBucketNamesAreUsageErrors() {
    assertThatThrownBy(() -> Storages.open("gs://Bad_Bucket!/x"))
        .isInstanceOfSatisfying(
            ArcaException.class, e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.USAGE))
        .hasMessageContaining("gs://bucket/prefix");
  }
}
