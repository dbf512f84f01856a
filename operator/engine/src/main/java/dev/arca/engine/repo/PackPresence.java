package dev.arca.engine.repo;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Packs;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a full backup checks before it trusts the index: that every pack the index names is listed
 * by the store and long enough for its entries. Copies in packs that fail are dropped (their
 * content is stored anew) and recorded as damage, so later backups and prune know too. It reads no
 * pack: damaged bytes inside a pack are what {@code verify --read-data} finds and records.
 */
public final class PackPresence {
  private PackPresence() {}

  /** {@code index} without the copies in missing or short packs. */
  public static BlobIndex trusted(Repository repo, BlobIndex index, Consumer<String> warn)
      throws IOException {
    Map<String, Long> sizes = new HashMap<>();
    for (Storage.ObjectInfo o : repo.storage().list(Packs.PREFIX)) {
      sizes.put(Packs.idOf(o.key()), o.size());
    }
    Map<String, String> bad = new TreeMap<>();
    BlobIndex out = new BlobIndex();
    for (BlobIndex.Location l : index.all()) {
      String pack = Hex.of(l.pack());
      Long size = sizes.get(pack);
      if (size == null) {
        bad.put(pack, "missing");
      } else if (size < (long) l.offset() + l.length()) {
        bad.putIfAbsent(pack, "shorter (" + size + " bytes) than its index entries say");
      } else {
        out.add(l.id(), l.pack(), l.offset(), l.length(), l.rawLength(), l.type(), l.codec());
      }
    }
    if (bad.isEmpty()) {
      return out;
    }
    List<DamageRecords.Entry> found = new ArrayList<>();
    bad.forEach(
        (pack, why) -> {
          warn.accept(Packs.key(Hex.parse(pack)) + " is " + why + ": its blobs are stored anew");
          found.add(DamageRecords.Entry.pack(pack, why));
        });
    try {
      DamageRecords.save(repo, DamageRecords.list(repo, warn), found, "backup", Instant.now());
    } catch (IOException | RuntimeException e) {
      warn.accept("the damage found could not be recorded: " + e.getMessage());
    }
    return out;
  }
}
