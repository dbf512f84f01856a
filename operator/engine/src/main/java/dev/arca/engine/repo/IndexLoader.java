package dev.arca.engine.repo;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.IndexFile;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Reads all index objects into one in-memory index. A prune run replaces index objects by writing
 * the new ones before deleting the old, so when an object listed a moment ago is gone, listing
 * again finds its replacement: the load starts over (a few times) rather than miss entries. A
 * damaged index object either fails the load (strict: what prune needs) or is left out and named
 * (its blobs then count as missing: restores name the files they affect, backups store them again).
 * Copies in packs marked as garbage come after the others, and copies recorded as damaged last (or
 * not at all, for writers): where a blob has another copy, that one is read and deduplicated
 * against.
 */
final class IndexLoader {
  private static final int ATTEMPTS = 5;

  private IndexLoader() {}

  /**
   * The index; with {@code unreadable} null, a damaged index object fails the load, otherwise it is
   * left out and put there (key to why).
   */
  static BlobIndex load(
      Storage storage,
      ObjectCodec codec,
      Set<String> avoid,
      DamageRecords.Known damaged,
      boolean keepAvoided,
      java.util.Map<String, String> unreadable)
      throws IOException {
    ObjectMissingException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (unreadable != null) {
        unreadable.clear();
      }
      try {
        return loadOnce(storage, codec, avoid, damaged, keepAvoided, unreadable);
      } catch (ObjectMissingException replaced) {
        last = replaced;
      }
    }
    throw last;
  }

  private static BlobIndex loadOnce(
      Storage storage,
      ObjectCodec codec,
      Set<String> avoid,
      DamageRecords.Known damaged,
      boolean keepAvoided,
      java.util.Map<String, String> unreadable)
      throws IOException {
    BlobIndex index = new BlobIndex();
    List<Storage.ObjectInfo> objects = storage.list(IndexFile.PREFIX);
    if (avoid.isEmpty() && damaged.isEmpty() && unreadable == null) {
      for (Storage.ObjectInfo o : objects) {
        IndexFile.decodeInto(open(storage, codec, o), index, o.key());
      }
      return index;
    }
    BlobIndex avoided = new BlobIndex();
    BlobIndex bad = new BlobIndex();
    for (Storage.ObjectInfo o : objects) {
      BlobIndex one = new BlobIndex();
      try {
        IndexFile.decodeInto(open(storage, codec, o), one, o.key());
      } catch (dev.arca.engine.ArcaException e) {
        if (unreadable == null || e.kind() != dev.arca.engine.ArcaException.Kind.INTEGRITY) {
          throw e;
        }
        unreadable.put(o.key(), e.getMessage());
        continue;
      }
      for (BlobIndex.Location l : one.all()) {
        add(damaged.damaged(l) ? bad : avoid.contains(Hex.of(l.pack())) ? avoided : index, l);
      }
    }
    if (keepAvoided) {
      avoided.all().forEach(l -> add(index, l));
      bad.all().forEach(l -> add(index, l));
    }
    return index;
  }

  private static byte[] open(Storage storage, ObjectCodec codec, Storage.ObjectInfo o)
      throws IOException {
    Limits.check(o.size(), Limits.sealedBound(Limits.MAX_INDEX), o.key());
    return codec.open(storage.read(o), Limits.MAX_INDEX, o.key());
  }

  private static void add(BlobIndex into, BlobIndex.Location l) {
    into.add(l.id(), l.pack(), l.offset(), l.length(), l.rawLength(), l.type(), l.codec());
  }
}
