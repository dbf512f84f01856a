package dev.arca.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.Storage;
import dev.arca.it.S3Servers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large file restores from MinIO with streamed GETs of up to a whole pack, byte for byte; a pack
 * cut short on the server fails that file with a message naming the pack, and nothing is left under
 * the file's name.
 */
class MinioRangeReadTest {
  @TempDir Path tmp;

  @Test
  void aLargeFileRestoresWithOneRequestPerPackAndAShortPackFailsClearly() throws Exception {
    ReadCoalescingTest.CountingStorage store =
        new ReadCoalescingTest.CountingStorage(S3Servers.newStore(S3Servers.minio()));
    Repository repo = Fixtures.repo(store);
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("model.bin"), Fixtures.random(90 << 20, 11));
    Backup.run(repo, BackupOptions.of(src));
    List<Storage.ObjectInfo> packs = store.list("data/");

    long packBytes = packs.stream().mapToLong(Storage.ObjectInfo::size).sum();

    store.rangeReads.set(0);
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", tmp.resolve("out")));
    assertThat(r.failures()).isEmpty();
    Fixtures.assertSameTree(src, tmp.resolve("out/src"));
    // chunks that lie one after another in a pack come with one GET of up to 32 MiB (backups fill
    // packs from several threads, so a file's chunks alternate between a few packs), and no
    // byte is fetched twice
    System.out.printf(
        "%d packs (%d bytes): %d ranged GETs, %d bytes, the longest %d%n",
        packs.size(),
        packBytes,
        store.rangeReads.get(),
        store.rangeBytes.get(),
        store.longest.get());
    assertThat(store.longest.get()).as("longest GET").isGreaterThan(8 << 20);
    assertThat(store.rangeBytes.get()).as("bytes fetched").isLessThanOrEqualTo(packBytes);
    assertThat(store.rangeReads.get()).as("ranged GETs").isLessThanOrEqualTo(40);

    Storage.ObjectInfo largest =
        packs.stream().max(Comparator.comparingLong(Storage.ObjectInfo::size)).orElseThrow();
    byte[] whole = store.read(largest.key());
    store.delete(largest.key());
    store.create(largest.key(), Arrays.copyOf(whole, whole.length / 2));

    RestoreReport cut = Restore.run(repo, RestoreOptions.of("latest", tmp.resolve("cut")));
    assertThat(cut.damaged()).isTrue();
    assertThat(cut.failures())
        .singleElement()
        .asString()
        .contains("model.bin")
        .contains(largest.key());
    assertThat(tmp.resolve("cut/src/model.bin")).doesNotExist();
    try (var left = Files.list(tmp.resolve("cut/src"))) {
      assertThat(left).as("temporary files left").isEmpty();
    }
  }
}
