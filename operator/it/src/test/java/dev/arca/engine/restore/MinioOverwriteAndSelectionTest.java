package dev.arca.engine.restore;

import dev.arca.engine.storage.Storage;
import dev.arca.it.S3Servers;
import java.nio.file.Path;

/** Restores into non-empty targets and snapshot selection, with the repository on MinIO. */
class MinioOverwriteAndSelectionTest extends OverwriteAndSelectionTest {
  @Override
  protected Storage newStorage(Path dir) {
    return S3Servers.newStore(S3Servers.minio());
  }
}
