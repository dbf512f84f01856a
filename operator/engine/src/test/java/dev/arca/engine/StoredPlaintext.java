package dev.arca.engine;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every stored object of a repository as it decrypts: clear objects ({@code config}, key slots) as
 * they are, sealed objects opened, and every blob of every pack opened (as its pack header lists
 * it, indexed or not). For tests that must show some text is in no stored object.
 */
public final class StoredPlaintext {
  private StoredPlaintext() {}

  /** Plaintexts by object key (a blob as {@code pack key#blob id}). */
  public static Map<String, byte[]> all(Repository repo) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (Storage.ObjectInfo o : repo.storage().list("")) {
      byte[] stored = repo.storage().read(o.key());
      String id = Packs.idOf(o.key());
      if (id != null) {
        for (Packs.Entry e : Packs.readHeader(stored, repo.cipher(), o.key())) {
          BlobIndex.Location l =
              new BlobIndex.Location(
                  e.id(),
                  Hex.parse(id),
                  e.offset(),
                  e.length(),
                  e.rawLength(),
                  e.type(),
                  e.codec());
          out.put(o.key() + "#" + Hex.of(e.id()), repo.decodeBlob(l, stored, e.offset()));
        }
      } else if (o.key().equals("config") || o.key().startsWith("keys/")) {
        out.put(o.key(), stored);
      } else if (!o.key().startsWith("tmp/")) {
        out.put(o.key(), repo.codec().open(stored, 256 << 20, o.key()));
      }
    }
    return out;
  }

  /** The keys of the objects (and blobs) whose plaintext contains {@code text}. */
  public static List<String> containing(Repository repo, String text) throws IOException {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : all(repo).entrySet()) {
      if (new String(e.getValue(), StandardCharsets.ISO_8859_1).contains(text)) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
