package dev.arca.engine.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.storage.ForwardingStorage;
import dev.arca.engine.storage.MemoryStorage;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot object replaced after it was listed by a much larger one (crafted, or a concurrent
 * change the listing did not see) is read only as far as its listed size: it is named unreadable,
 * the other snapshots still list, and no more bytes are read than the listing allowed.
 */
class ListedSizeTest {
  @TempDir Path tmp;

  /** A store whose listings show an older, smaller size for one key than it now holds. */
  static final class StaleListing extends ForwardingStorage {
    final AtomicLong bytesRead = new AtomicLong();
    String key;
    long listedSize;

    StaleListing() {
      super(new MemoryStorage());
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
      List<ObjectInfo> out = new ArrayList<>();
      for (ObjectInfo o : inner.list(prefix)) {
        out.add(o.key().equals(key) ? new ObjectInfo(o.key(), listedSize, o.modified()) : o);
      }
      return out;
    }

    @Override
    public byte[] read(String k) throws IOException {
      byte[] b = inner.read(k);
      if (k.equals(key)) {
        bytesRead.addAndGet(b.length);
      }
      return b;
    }

    @Override
    public byte[] read(String k, long offset, int length) throws IOException {
      byte[] b = inner.read(k, offset, length);
      if (k.equals(key)) {
        bytesRead.addAndGet(b.length);
      }
      return b;
    }
  }

  @Test
  void aSnapshotReplacedByALargerObjectAfterItsListingIsNamedAndReadNoFurther() throws Exception {
    StaleListing store = new StaleListing();
    Repository repo = Fixtures.repo(store);
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("a.bin"), Fixtures.random(100_000, 1));
    Backup.run(repo, BackupOptions.of(src));
    Fixtures.write(src.resolve("b.bin"), Fixtures.random(100_000, 2));
    Backup.run(repo, BackupOptions.of(src));
    List<Storage.ObjectInfo> snapshots = store.list(Snapshot.PREFIX);
    assertThat(snapshots).hasSize(2);

    Storage.ObjectInfo victim = snapshots.get(0);
    store.delete(victim.key());
    store.create(victim.key(), new byte[8 << 20]); // 8 MiB in place of a small sealed snapshot
    store.key = victim.key();
    store.listedSize = victim.size();

    Snapshots.Listing listing = Snapshots.list(repo);
    assertThat(listing.readable()).hasSize(1);
    assertThat(listing.unreadable())
        .containsOnlyKeys(victim.key().substring(Snapshot.PREFIX.length()));
    assertThat(store.bytesRead.get()).isLessThanOrEqualTo(victim.size());
  }
}
