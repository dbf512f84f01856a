package dev.arca.engine.restore;

import dev.arca.engine.storage.Storage;
import dev.arca.it.S3Servers;
import java.nio.file.Path;

/** The engine's round-trip suite with the repository on MinIO. */
class MinioRoundTripTest extends RoundTripTest {
  @Override
  protected Storage newStorage(Path dir) {
    return S3Servers.newStore(S3Servers.minio());
  }
}
