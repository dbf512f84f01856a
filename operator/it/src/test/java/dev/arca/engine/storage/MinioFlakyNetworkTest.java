package dev.arca.engine.storage;

import dev.arca.engine.storage.s3.S3Settings;
import dev.arca.it.S3Servers;
import java.net.URI;

/** The flaky-network suite on MinIO. */
class MinioFlakyNetworkTest extends FlakyNetworkSuite {
  private String bucket;

  @Override
  protected URI server() {
    return S3Servers.minio();
  }

  @Override
  protected void newBucket() {
    bucket = S3Servers.newBucket(server, false);
  }

  @Override
  protected Storage through(URI endpoint, int attempts) {
    return Storages.open(
        "s3://" + bucket + "/repo",
        new S3Settings(endpoint.toString(), null, null, null, null, attempts, null, null));
  }
}
