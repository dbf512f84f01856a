package dev.arca.engine.prune;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Limits;
import dev.arca.engine.format.PackWriter;
import dev.arca.engine.format.Packs;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.ObjectExistsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies blobs into new packs as they are stored (sealed blobs do not depend on their pack, so
 * nothing is decrypted), then indexes them. The old packs are left to the garbage mark.
 */
final class Repacker {
  /** Entries per index object. */
  static final int INDEX_SPLIT = 200_000;

  private final Repository repo;
  private final List<BlobIndex.Location> written = new ArrayList<>();
  private PackWriter writer;
  long bytes;

  Repacker(Repository repo) {
    this.repo = repo;
  }

  /** Copies the given blobs of one pack of {@code size} bytes (as listed). */
  void copy(String packKey, long size, List<BlobIndex.Location> blobs) throws IOException {
    Limits.check(size, Limits.MAX_PACK, packKey);
    byte[] pack = repo.storage().read(packKey);
    for (BlobIndex.Location l : blobs) {
      if (writer == null) {
        writer = new PackWriter(repo.config().packTargetSize() + (1 << 20));
      }
      if ((long) l.offset() + l.length() > pack.length) {
        throw dev.arca.engine.ArcaException.integrity(
            packKey + " is damaged: shorter than its index entries say; run arca verify");
      }
      byte[] sealed = new byte[l.length()];
      System.arraycopy(pack, l.offset(), sealed, 0, l.length());
      writer.add(l.type(), l.codec(), l.id(), sealed, l.length(), l.rawLength());
      if (writer.size() >= repo.config().packTargetSize()) {
        finishPack();
      }
    }
  }

  /** Stores the last pack and the index of everything copied. */
  void finish() throws IOException {
    finishPack();
    for (int i = 0; i < written.size(); i += INDEX_SPLIT) {
      repo.saveIndex(written.subList(i, Math.min(written.size(), i + INDEX_SPLIT)));
    }
  }

  private void finishPack() throws IOException {
    if (writer == null || writer.blobCount() == 0) {
      return;
    }
    PackWriter.Finished f = writer.finish(repo.cipher());
    writer = null;
    try {
      repo.storage().create(f.key(), f.bytes(), 0, f.length());
    } catch (ObjectExistsException e) {
      if (repo.storage().size(f.key()) != f.length()) {
        throw e;
      }
    }
    bytes += f.length();
    for (Packs.Entry e : f.entries()) {
      written.add(
          new BlobIndex.Location(
              e.id(), f.id(), e.offset(), e.length(), e.rawLength(), e.type(), e.codec()));
    }
  }
}
