package dev.arca.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.ForwardingStorage;
import dev.arca.engine.storage.MemoryStorage;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset of many small files restores with a few large reads, not one request per file. */
class ReadCoalescingTest {
  @TempDir Path tmp;

  @Test
  void smallFilesOfOneFolderAreReadTogether() throws Exception {
    CountingStorage storage = new CountingStorage(new MemoryStorage());
    Repository repo = Fixtures.repo(storage);
    Path src = tmp.resolve("dataset");
    for (int i = 0; i < 400; i++) {
      Fixtures.write(
          src.resolve(String.format("shard-%04d.jsonl", i)),
          ("{\"id\":" + i + ",\"text\":\"" + "sample text ".repeat(50 + i % 7) + "\"}\n")
              .repeat(3));
    }
    Backup.run(repo, BackupOptions.of(src));

    storage.rangeReads.set(0);
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", tmp.resolve("out")));

    assertThat(r.files()).isEqualTo(400);
    Fixtures.assertSameTree(src, tmp.resolve("out/dataset"));
    assertThat(storage.rangeReads.get()).as("range reads for 400 files").isLessThanOrEqualTo(4);
  }

  /**
   * Counts ranged reads (and streamed ranges, with their bytes and the longest) and passes
   * everything through, streams included.
   */
  static final class CountingStorage extends ForwardingStorage {
    final AtomicInteger rangeReads = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicLong rangeBytes =
        new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong longest =
        new java.util.concurrent.atomic.AtomicLong();

    CountingStorage(Storage inner) {
      super(inner);
    }

    private void count(long length) {
      rangeReads.incrementAndGet();
      rangeBytes.addAndGet(length);
      longest.accumulateAndGet(length, Math::max);
    }

    @Override
    public byte[] read(String key, long offset, int length) throws IOException {
      count(length);
      return inner.read(key, offset, length);
    }

    @Override
    public void read(String key, long offset, int length, byte[] dest) throws IOException {
      count(length);
      inner.read(key, offset, length, dest);
    }

    @Override
    public java.io.InputStream openRange(String key, long offset, long length) throws IOException {
      count(length);
      return inner.openRange(key, offset, length);
    }

    @Override
    public String describe() {
      return "counting " + inner.describe();
    }
  }
}
