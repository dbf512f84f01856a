package dev.arca.engine.repo;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.IndexFile;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Reads all index objects into one in-memory index. A prune run replaces index objects by writing
 * the new ones before deleting the old, so when an object listed a moment ago is gone, listing
 * again finds its replacement: the load starts over (a few times) rather than miss entries.
 */
final class IndexLoader {
  private static final int ATTEMPTS = 5;

  private IndexLoader() {}

  static BlobIndex load(Storage storage, ObjectCodec codec, Set<String> avoid, boolean keepAvoided)
      throws IOException {
    ObjectMissingException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        return loadOnce(storage, codec, avoid, keepAvoided);
      } catch (ObjectMissingException replaced) {
        last = replaced;
      }
    }
    throw last;
  }

  private static BlobIndex loadOnce(
      Storage storage, ObjectCodec codec, Set<String> avoid, boolean keepAvoided)
      throws IOException {
    BlobIndex index = new BlobIndex();
    List<Storage.ObjectInfo> objects = storage.list(IndexFile.PREFIX);
    if (avoid.isEmpty()) {
      for (Storage.ObjectInfo o : objects) {
        IndexFile.decodeInto(codec.open(storage.read(o.key()), o.key()), index, o.key());
      }
      return index;
    }
    BlobIndex avoided = new BlobIndex();
    for (Storage.ObjectInfo o : objects) {
      BlobIndex one = new BlobIndex();
      IndexFile.decodeInto(codec.open(storage.read(o.key()), o.key()), one, o.key());
      for (BlobIndex.Location l : one.all()) {
        add(avoid.contains(Hex.of(l.pack())) ? avoided : index, l);
      }
    }
    if (keepAvoided) {
      avoided.all().forEach(l -> add(index, l));
    }
    return index;
  }

  private static void add(BlobIndex into, BlobIndex.Location l) {
    into.add(l.id(), l.pack(), l.offset(), l.length(), l.rawLength(), l.type(), l.codec());
  }
}
