package dev.arca.engine.prune;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.DamageRecords;
import dev.arca.engine.repo.PackOutput;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Copies blobs into new packs as they are stored (sealed blobs do not depend on their pack), after
 * checking each one, so that damage never moves into a new pack; then indexes them. The old packs
 * are left to the garbage mark.
 */
final class Repacker {
  private final Repository repo;
  private final PackOutput out;
  private final List<DamageRecords.Entry> damaged = new ArrayList<>();

  Repacker(Repository repo) {
    this.repo = repo;
    this.out = new PackOutput(repo);
  }

  /**
   * Copies the given blobs of one pack of {@code size} bytes (as listed), each checked first (its
   * id, after opening it); false when one is damaged (the pack must then stay: the damage is kept
   * in {@link #damaged()} for a damage record).
   */
  boolean copy(String packKey, long size, List<BlobIndex.Location> blobs) throws IOException {
    Limits.check(size, Limits.MAX_PACK, packKey);
    byte[] pack = repo.storage().read(new Storage.ObjectInfo(packKey, size));
    for (BlobIndex.Location l : blobs) {
      if ((long) l.offset() + l.length() > pack.length) {
        damaged.add(DamageRecords.Entry.pack(Packs.idOf(packKey), "shorter than its index"));
        return false;
      }
      try {
        repo.decodeBlob(l, pack, l.offset());
      } catch (RuntimeException e) {
        damaged.add(DamageRecords.Entry.blob(l, String.valueOf(e.getMessage())));
        return false;
      }
    }
    for (BlobIndex.Location l : blobs) {
      byte[] sealed = Arrays.copyOfRange(pack, l.offset(), l.offset() + l.length());
      out.add(l.type(), l.codec(), l.id(), sealed, l.length(), l.rawLength());
    }
    return true;
  }

  List<DamageRecords.Entry> damaged() {
    return damaged;
  }

  /** Bytes of the new packs. */
  long bytes() {
    return out.bytes();
  }

  /** Stores the last pack and the index of everything copied. */
  void finish() throws IOException {
    out.finish();
  }
}
