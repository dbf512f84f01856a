package dev.arca.engine.restore;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.repo.DamageRecords;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The damaged blob copies a restore meets: a blob whose bytes do not decrypt, decompress or match
 * its id. At the end of the restore they are recorded in the repository (FORMAT.md "Damage
 * records"), as verify records what it finds, so that the next backup stores their content anew
 * rather than pointing at the damaged copy again. A pack that cannot be read at all (gone, a
 * network failure) is not recorded here: that may pass, and verify judges it.
 */
final class FoundDamage {
  private final Queue<DamageRecords.Entry> entries = new ConcurrentLinkedQueue<>();

  /**
   * {@link Repository#decodeContentInto} (the file's SHA-256 is checked afterwards), remembering
   * the copy when its bytes are damaged.
   */
  void decodeInto(
      Repository repo, BlobIndex.Location loc, byte[] buf, int off, byte[] dest, int destOff) {
    try {
      repo.decodeContentInto(loc, buf, off, dest, destOff);
    } catch (ArcaException e) {
      remember(loc, e);
      throw e;
    }
  }

  /**
   * The failure of a file whose SHA-256 did not match: each of its chunks is read again and checked
   * against its id, and the first damaged copy is remembered and its error returned (a chunk that
   * opened under its tag but is not the chunk its id names); {@code mismatch} when every chunk
   * matches its id, or one can no longer be read.
   */
  ArcaException damagedChunkOr(
      Repository repo, List<FileRestorer.Range> ranges, ArcaException mismatch) {
    for (FileRestorer.Range r : ranges) {
      for (BlobIndex.Location loc : r.blobs()) {
        try {
          read(repo, loc);
        } catch (ArcaException e) {
          return e.kind() == ArcaException.Kind.INTEGRITY ? e : mismatch;
        } catch (IOException e) {
          return mismatch;
        }
      }
    }
    return mismatch;
  }

  /**
   * {@link Repository#readBlob} (decrypted, decompressed and checked against its id), remembering
   * the copy when its bytes are damaged.
   */
  byte[] read(Repository repo, BlobIndex.Location loc) throws IOException {
    try {
      return repo.readBlob(loc);
    } catch (ArcaException e) {
      remember(loc, e);
      throw e;
    }
  }

  private void remember(BlobIndex.Location loc, ArcaException e) {
    if (e.kind() == ArcaException.Kind.INTEGRITY) {
      entries.add(DamageRecords.Entry.blob(loc, String.valueOf(e.getMessage())));
    }
  }

  /**
   * Records the copies met (best effort: a restore may have read-only access); {@code warn} hears
   * what was recorded or why it could not be.
   */
  void record(Repository repo, Consumer<String> warn) {
    if (entries.isEmpty()) {
      return;
    }
    try {
      DamageRecords.record(
          repo,
          new ArrayList<>(entries),
          "restore",
          "the next backup stores their content anew",
          warn);
    } catch (IOException | RuntimeException e) {
      warn.accept(
          "the damaged blobs found could not be recorded in the repository ("
              + e.getMessage()
              + "); run verify --read-data with write access to record them");
    }
  }
}
