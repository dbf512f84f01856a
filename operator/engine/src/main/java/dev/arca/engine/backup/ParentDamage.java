package dev.arca.engine.backup;

import dev.arca.engine.ArcaException;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.repo.DamageRecords;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The parent snapshot's tree blobs a backup cannot read because their copy is damaged, missing or
 * cut short. A folder whose listing comes out the same as the damaged one has the same id: its tree
 * is stored anew rather than deduplicated against that copy, and the copies are recorded in the
 * repository before the snapshot is written (FORMAT.md "Damage records"), so that readers take the
 * new copy and later backups never deduplicate against the damaged one.
 */
final class ParentDamage {
  private final ChunkSink sink;
  private final Queue<DamageRecords.Entry> entries = new ConcurrentLinkedQueue<>();

  ParentDamage(ChunkSink sink) {
    this.sink = sink;
  }

  /**
   * Takes note of {@code e}, the failure to read the tree blob at {@code loc} (null when not
   * indexed): a damaged, missing or short copy is stored anew and recorded; other failures (the
   * store not answering) say nothing about the copy.
   */
  void failed(BlobIndex.Location loc, Exception e) {
    if (loc != null
        && loc.type() == BlobType.TREE
        && e instanceof ArcaException a
        && a.kind() == ArcaException.Kind.INTEGRITY) {
      sink.distrust(loc.id());
      entries.add(DamageRecords.Entry.blob(loc, String.valueOf(e.getMessage())));
    }
  }

  /** Records the copies noted that no record names yet; {@code warn} hears how many. */
  void record(Repository repo, Consumer<String> warn) throws IOException {
    if (!entries.isEmpty()) {
      DamageRecords.record(
          repo,
          new ArrayList<>(entries),
          "backup",
          "the parent snapshot's folder listings, stored anew by this backup",
          warn);
    }
  }
}
