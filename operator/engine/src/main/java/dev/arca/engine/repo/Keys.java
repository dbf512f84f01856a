package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.crypto.KeySlot;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Key slots: each wraps the same master key under a different password, so passwords can be added
 * and retired without re-encrypting any data. The last slot, and the slot in use, cannot be
 * removed; a removed slot goes with every version a versioned bucket kept of it.
 */
public final class Keys {
  private Keys() {}

  /** One key slot. */
  public record Info(String id, String created, int scryptN, boolean current) {}

  public static List<Info> list(Repository repo) throws IOException {
    requireEncrypted(repo);
    List<Info> out = new ArrayList<>();
    for (Storage.ObjectInfo o : repo.storage().list(Repository.KEYS)) {
      KeySlot s = KeySlots.read(repo.storage(), o);
      out.add(
          new Info(
              o.key().substring(Repository.KEYS.length()),
              s.created(),
              s.n(),
              o.key().equals(repo.keySlot())));
    }
    out.sort(Comparator.comparing(Info::created).thenComparing(Info::id));
    return out;
  }

  /** Adds a slot for {@code password}; returns its id. */
  public static String add(Repository repo, char[] password, int scryptN) throws IOException {
    requireEncrypted(repo);
    if (password == null || password.length == 0) {
      throw ArcaException.usage(
          "no new password: set ARCA_NEW_PASSWORD or pass --new-password-file FILE");
    }
    KeySlot slot = KeySlot.wrap(repo.masterKey(), password, scryptN, Instant.now().toString());
    byte[] bytes = ObjectCodec.JSON.writeValueAsBytes(slot);
    String id = Hex.of(ChunkIds.sha256().digest(bytes));
    repo.storage().create(Repository.KEYS + id, bytes);
    return id;
  }

  /**
   * A removed key slot.
   *
   * @param id its id
   * @param versionsKept null when every version of it is gone; else why the store may keep an older
   *     version of it (the credentials may not list or delete versions): the slot is gone from the
   *     repository, but whoever can read old versions of the bucket could still use it
   */
  public record Removed(String id, String versionsKept) {}

  /**
   * Removes the slot whose id is or starts with {@code idPrefix}, with every version the store
   * keeps of it; when the versions cannot be removed, at least the slot itself, saying so.
   */
  public static Removed remove(Repository repo, String idPrefix) throws IOException {
    List<Info> all = list(repo);
    List<Info> match = all.stream().filter(k -> k.id().startsWith(idPrefix)).toList();
    if (idPrefix.isBlank() || match.isEmpty()) {
      throw ArcaException.usage("no key with id '" + idPrefix + "'; list them with arca key list");
    }
    if (match.size() > 1) {
      throw ArcaException.usage("key id prefix '" + idPrefix + "' matches several keys; give more");
    }
    Info k = match.get(0);
    if (all.size() == 1) {
      throw ArcaException.usage("refusing to remove the last key: the repository would be lost");
    }
    if (k.current()) {
      throw ArcaException.usage(
          "refusing to remove the key in use; open the repository with another password first");
    }
    String key = Repository.KEYS + k.id();
    try {
      repo.storage().purge(key); // every version: the password is retired for good
      return new Removed(k.id(), null);
    } catch (IOException versions) {
      repo.storage().delete(key);
      return new Removed(k.id(), versions.getMessage());
    }
  }

  private static void requireEncrypted(Repository repo) {
    if (repo.keySlot() == null) {
      throw ArcaException.usage("this repository is not encrypted: it has no keys");
    }
  }
}
