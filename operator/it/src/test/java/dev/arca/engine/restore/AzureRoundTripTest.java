package dev.arca.engine.restore;

import dev.arca.engine.storage.Storage;
import dev.arca.it.Azurite;
import java.nio.file.Path;

/** The engine's round-trip suite with the repository on Azurite. */
class AzureRoundTripTest extends RoundTripTest {
  @Override
  protected Storage newStorage(Path dir) {
    return Azurite.get().newStore();
  }
}
