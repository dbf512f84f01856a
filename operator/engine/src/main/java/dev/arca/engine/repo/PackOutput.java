package dev.arca.engine.repo;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.PackWriter;
import dev.arca.engine.format.Packs;
import dev.arca.engine.storage.ObjectExistsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sealed blobs into packs of the repository's target size, one at a time, and then the index of
 * everything written: the order every writer keeps (packs, then index, then whatever refers to
 * them). For the small writers (repacking, repairs); backups stream through their own pipeline. Not
 * thread-safe.
 */
public final class PackOutput {
  private final Repository repo;
  private final List<BlobIndex.Location> written = new ArrayList<>();
  private PackWriter writer;
  private long bytes;

  public PackOutput(Repository repo) {
    this.repo = repo;
  }

  /** Adds one sealed blob; a pack that reaches the target size is stored at once. */
  public void add(
      BlobType type, byte codec, byte[] id, byte[] sealed, int sealedLength, int rawLength)
      throws IOException {
    if (writer == null) {
      writer = new PackWriter(Math.min(repo.config().packTargetSize(), 4 << 20));
    }
    writer.add(type, codec, id, sealed, sealedLength, rawLength);
    if (writer.size() >= repo.config().packTargetSize()) {
      storePack();
    }
  }

  /** Stores the last pack and the index of every blob written. */
  public void finish() throws IOException {
    storePack();
    repo.saveIndexes(written);
  }

  /** Bytes of the packs stored so far. */
  public long bytes() {
    return bytes;
  }

  private void storePack() throws IOException {
    if (writer == null || writer.blobCount() == 0) {
      return;
    }
    PackWriter.Finished f = writer.finish(repo.cipher());
    writer = null;
    try {
      repo.storage().create(f.key(), f.bytes(), 0, f.length());
    } catch (ObjectExistsException e) {
      // same name, same bytes (content-addressed); a different length is a collision
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
