package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.ArcaException.Kind;
import dev.arca.engine.crypto.KeySlot;
import dev.arca.engine.crypto.MasterKey;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.storage.Storage;
import java.io.IOException;

/** Finds the key slot a password opens. */
final class KeySlots {
  private KeySlots() {}

  /** The master key and the slot ({@code keys/<id>}) that opened it. */
  record Unlocked(MasterKey key, String slot) {}

  static Unlocked unlock(Storage storage, char[] password) {
    try {
      var slots = storage.list(Repository.KEYS);
      if (slots.isEmpty()) {
        throw new ArcaException(
            Kind.WRONG_KEY,
            "repository at " + storage.describe() + " is encrypted but has no key slots (keys/)");
      }
      for (Storage.ObjectInfo o : slots) {
        KeySlot slot = ObjectCodec.JSON.readValue(storage.read(o.key()), KeySlot.class);
        MasterKey key = slot.unwrap(password);
        if (key != null) {
          return new Unlocked(key, o.key());
        }
      }
    } catch (IOException e) {
      throw new ArcaException(
          Kind.ERROR, "cannot read key slots of " + storage.describe() + ": " + e, e);
    }
    throw new ArcaException(
        Kind.WRONG_KEY,
        "wrong password for repository at "
            + storage.describe()
            + ": no key slot opens with it; check ARCA_PASSWORD or --password-file");
  }
}
