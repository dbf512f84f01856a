package dev.arca.engine.prune;

import dev.arca.engine.storage.Storage;
import dev.arca.it.S3Servers;
import java.nio.file.Path;

/** Backups, forget and prune at once, with the repository on MinIO. */
class MinioConcurrentPruneTest extends ConcurrentPruneTest {
  @Override
  protected Storage newStorage(Path dir) {
    return S3Servers.newStore(S3Servers.minio());
  }
}
