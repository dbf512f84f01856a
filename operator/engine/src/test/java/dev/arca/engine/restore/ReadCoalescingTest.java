package dev.arca.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.MemoryStorage;
import dev.arca.engine.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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

  /** Counts ranged reads and passes everything through. */
  static final class CountingStorage implements Storage {
    final Storage inner;
    final AtomicInteger rangeReads = new AtomicInteger();

    CountingStorage(Storage inner) {
      this.inner = inner;
    }

    @Override
    public void create(String key, byte[] data, int offset, int length) throws IOException {
      inner.create(key, data, offset, length);
    }

    @Override
    public byte[] read(String key) throws IOException {
      return inner.read(key);
    }

    @Override
    public byte[] read(String key, long offset, int length) throws IOException {
      rangeReads.incrementAndGet();
      return inner.read(key, offset, length);
    }

    @Override
    public long size(String key) throws IOException {
      return inner.size(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
      return inner.list(prefix);
    }

    @Override
    public boolean delete(String key) throws IOException {
      return inner.delete(key);
    }

    @Override
    public String describe() {
      return "counting " + inner.describe();
    }
  }
}
