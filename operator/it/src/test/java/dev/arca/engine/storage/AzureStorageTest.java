package dev.arca.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.storage.azure.AzureSettings;
import dev.arca.engine.storage.gcs.GcsSettings;
import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.it.Azurite;
import dev.arca.it.Procs;
import org.junit.jupiter.api.Test;

/** The storage contract on Azurite, plus what only an Azure Blob service shows. */
class AzureStorageTest extends StorageContract {
  @Override
  protected Storage newStorage() {
    return Azurite.get().newStore();
  }

  private static Storage open(String url, AzureSettings s) {
    return Storages.open(url, S3Settings.defaults(), GcsSettings.defaults(), s);
  }

  @Override
  protected Storage newStorageWithSmallPieces() {
    Azurite az = Azurite.get();
    return open(
        "azblob://" + Azurite.ACCOUNT + "/" + az.newContainer() + "/p",
        new AzureSettings(az.endpoint().toString(), null, 1L << 20, 1L << 20));
  }

  @Test
  void aMissingContainerIsReportedAsNoRepository() throws Exception {
    Azurite az = Azurite.get();
    try (Storage s = open("azblob://" + Azurite.ACCOUNT + "/no-such-container/x", az.settings())) {
      assertThatThrownBy(() -> s.read("config"))
          .isInstanceOfSatisfying(
              ArcaException.class,
              e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.NO_REPOSITORY))
          .hasMessageContaining("azblob://devstoreaccount1/no-such-container/x")
          .hasMessageContaining("does not exist; create it first");
      assertThatThrownBy(() -> s.list("snapshots/"))
          .isInstanceOfSatisfying(
              ArcaException.class,
              e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.NO_REPOSITORY));
    }
  }

  @Test
  void aServiceThatIsNotRunningIsReportedWithinSeconds() throws Exception {
    AzureSettings nobody =
        new AzureSettings(
            "http://127.0.0.1:" + Procs.freePort() + "/" + Azurite.ACCOUNT, 2, null, null);
    long start = System.nanoTime();
    try (Storage s = open("azblob://" + Azurite.ACCOUNT + "/some-container/x", nobody)) {
      assertThatThrownBy(() -> s.read("config"))
          .isInstanceOf(StoreUnreachableException.class)
          .hasMessageContaining("azblob://devstoreaccount1/some-container/x")
          .hasMessageContaining("cannot connect");
    }
    assertThat((System.nanoTime() - start) / 1_000_000_000.0).isLessThan(30);
  }

  @Test
  void badAccountOrContainerNamesAreUsageErrors() {
    for (String url :
        new String[] {
          "azblob://Bad_Account/c0ntainer/x", "azblob://account/UPPER/x", "azblob://a"
        }) {
      assertThatThrownBy(() -> Storages.open(url))
          .as(url)
          .isInstanceOfSatisfying(
              ArcaException.class, e -> assertThat(e.kind()).isEqualTo(ArcaException.Kind.USAGE))
          .hasMessageContaining("azblob://account/container/prefix");
    }
  }
}
