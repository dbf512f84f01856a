package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.ArcaException.Kind;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.crypto.KeySlot;
import dev.arca.engine.crypto.MasterKey;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the key slot a password opens. A damaged slot (unreadable JSON, a size or scrypt cost
 * beyond the format's limits) is passed over, so that the other slots still open the repository;
 * when none opens and some were damaged, that is what the error says.
 */
final class KeySlots {
  /** The largest key slot the format allows: a small JSON object. */
  static final int MAX_SLOT = 64 << 10;

  private KeySlots() {}

  /** The master key and the slot ({@code keys/<id>}) that opened it. */
  record Unlocked(MasterKey key, String slot) {}

  static Unlocked unlock(Storage storage, char[] password) {
    List<String> damaged = new ArrayList<>();
    try {
      var slots = storage.list(Repository.KEYS);
      if (slots.isEmpty()) {
        throw new ArcaException(
            Kind.WRONG_KEY,
            "repository at "
                + storage.describe()
                + " is encrypted but has no key slots (keys/): an init is writing it right now,"
                + " or one was interrupted (then, if the repository holds nothing else, delete its"
                + " config and init again)");
      }
      for (Storage.ObjectInfo o : slots) {
        KeySlot slot;
        try {
          slot = read(storage, o);
        } catch (ObjectMissingException removed) {
          continue; // a key removed meanwhile
        } catch (IOException | RuntimeException e) {
          damaged.add(o.key() + " (" + e.getMessage() + ")");
          continue;
        }
        if (!slot.withinLimits()) {
          damaged.add(o.key() + " (its key derivation is beyond the format's limits)");
          continue;
        }
        MasterKey key = slot.unwrap(password);
        if (key != null) {
          return new Unlocked(key, o.key());
        }
      }
    } catch (IOException e) {
      throw new ArcaException(
          Kind.ERROR, "cannot read key slots of " + storage.describe() + ": " + e, e);
    }
    if (!damaged.isEmpty()) {
      throw new ArcaException(
          Kind.INTEGRITY,
          "no key slot of "
              + storage.describe()
              + " opens with this password, and these slots are damaged: "
              + String.join(", ", damaged));
    }
    throw new ArcaException(
        Kind.WRONG_KEY,
        "wrong password for repository at "
            + storage.describe()
            + ": no key slot opens with it; check ARCA_PASSWORD or --password-file");
  }

  /**
   * One listed key slot, read within the format's size limit. Slots are named by the SHA-256 of
   * their bytes, so a changed byte is told apart from a wrong password.
   */
  static KeySlot read(Storage storage, Storage.ObjectInfo o) throws IOException {
    Limits.check(o.size(), MAX_SLOT, o.key());
    byte[] bytes = storage.read(o);
    String name = o.key().substring(Repository.KEYS.length());
    if (Hex.isId(name) && !Hex.of(ChunkIds.sha256().digest(bytes)).equals(name)) {
      throw ArcaException.integrity(o.key() + " is damaged: its content does not match its name");
    }
    return ObjectCodec.JSON.readValue(bytes, KeySlot.class);
  }
}
