package dev.arca.engine.storage;

import dev.arca.engine.storage.azure.AzureSettings;
import dev.arca.engine.storage.gcs.GcsSettings;
import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.it.Azurite;
import java.net.URI;

/** The flaky-network suite on Azurite. */
class AzureFlakyNetworkTest extends FlakyNetworkSuite {
  private String container;

  @Override
  protected URI server() {
    return Azurite.get().endpoint();
  }

  @Override
  protected void newBucket() {
    container = Azurite.get().newContainer();
  }

  @Override
  protected Storage through(URI endpoint, int attempts) {
    return Storages.open(
        "azblob://" + Azurite.ACCOUNT + "/" + container + "/repo",
        S3Settings.defaults(),
        GcsSettings.defaults(),
        new AzureSettings(
            endpoint.resolve("/" + Azurite.ACCOUNT).toString(), attempts, null, null));
  }
}
