package dev.arca.engine.repo;

import dev.arca.engine.format.GarbageMark;
import dev.arca.engine.format.IndexFile;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.storage.Storage;
import java.io.IOException;

/**
 * Reads the sealed standalone objects of a repository (snapshots, parts, index objects, garbage
 * marks) within the format's limits: the listed size is checked before the object is read, and the
 * plaintext's size before it is decompressed, so a damaged or crafted object is reported as damage
 * and never exhausts memory.
 */
public final class SealedObjects {
  /** The kinds of sealed objects, with their prefix and the largest plaintext the format allows. */
  public enum Kind {
    SNAPSHOT(Snapshot.PREFIX, Limits.MAX_SNAPSHOT),
    PART(dev.arca.engine.format.Part.PREFIX, Limits.MAX_SNAPSHOT),
    INDEX(IndexFile.PREFIX, Limits.MAX_INDEX),
    MARK(GarbageMark.PREFIX, Limits.MAX_MARK),
    DAMAGE(DamageRecords.PREFIX, DamageRecords.MAX_RECORD),
    ERASURE(ErasureRecords.PREFIX, ErasureRecords.MAX_RECORD),
    AUDIT(AuditLog.PREFIX, AuditLog.MAX_RECORD);

    final String prefix;
    final int maxPlain;

    Kind(String prefix, int maxPlain) {
      this.prefix = prefix;
      this.maxPlain = maxPlain;
    }
  }

  private SealedObjects() {}

  /** The stored bytes of a listed object of {@code kind}, after checking its size. */
  public static byte[] read(Repository repo, Storage.ObjectInfo o, Kind kind) throws IOException {
    Limits.check(o.size(), Limits.sealedBound(kind.maxPlain), o.key());
    return repo.storage().read(o);
  }

  /** The plaintext of a listed object of {@code kind}. */
  public static byte[] open(Repository repo, Storage.ObjectInfo o, Kind kind) throws IOException {
    return repo.codec().open(read(repo, o, kind), kind.maxPlain, o.key());
  }

  /** A listed JSON object of {@code kind}, bound to {@code type}. */
  public static <T> T openJson(Repository repo, Storage.ObjectInfo o, Kind kind, Class<T> type)
      throws IOException {
    return repo.codec().openJson(read(repo, o, kind), type, kind.maxPlain, o.key());
  }

  /** The plaintext of {@code stored}, the bytes of an object of {@code kind} named {@code key}. */
  public static byte[] open(Repository repo, byte[] stored, Kind kind, String key) {
    return repo.codec().open(stored, kind.maxPlain, key);
  }
}
