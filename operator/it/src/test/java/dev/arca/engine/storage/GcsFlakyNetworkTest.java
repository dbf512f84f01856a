package dev.arca.engine.storage;

import dev.arca.engine.storage.gcs.GcsSettings;
import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.it.FakeGcs;
import java.net.URI;

/** The flaky-network suite on fake-gcs-server. */
class GcsFlakyNetworkTest extends FlakyNetworkSuite {
  private String bucket;

  @Override
  protected URI server() {
    return FakeGcs.get().uri();
  }

  @Override
  protected void newBucket() {
    bucket = FakeGcs.get().newBucket();
  }

  @Override
  protected Storage through(URI endpoint, int attempts) {
    return Storages.open(
        "gs://" + bucket + "/repo",
        S3Settings.defaults(),
        new GcsSettings(endpoint.toString(), null, attempts, null, null));
  }
}
