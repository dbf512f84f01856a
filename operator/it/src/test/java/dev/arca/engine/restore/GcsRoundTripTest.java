package dev.arca.engine.restore;

import dev.arca.engine.storage.Storage;
import dev.arca.it.FakeGcs;
import java.nio.file.Path;

/** The engine's round-trip suite with the repository on fake-gcs-server. */
class GcsRoundTripTest extends RoundTripTest {
  @Override
  protected Storage newStorage(Path dir) {
    return FakeGcs.get().newStore();
  }
}
