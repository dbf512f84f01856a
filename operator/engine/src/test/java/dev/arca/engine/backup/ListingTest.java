package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.engine.Fixtures;
import dev.arca.engine.fs.SourceStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListingTest {
  @TempDir Path tmp;
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aLargeFolderIsListedInNameOrderWithEachEntrysOwnStat() throws Exception {
    int n = Listing.PARALLEL_FROM * 3 + 7;
    for (int i = n - 1; i >= 0; i--) {
      Fixtures.write(tmp.resolve(String.format("f%05d", i)), "x".repeat(i % 97));
    }
    Files.createDirectory(tmp.resolve("g-folder"));
    Listing l = Listing.of(tmp, pool);
    assertThat(l.names()).hasSize(n + 1).isSorted();
    for (int i = 0; i < n; i++) {
      assertThat(l.names().get(i)).isEqualTo(String.format("f%05d", i));
      assertThat(((SourceStat) l.stats().get(i)).size()).isEqualTo(i % 97);
    }
    assertThat(((SourceStat) l.stats().get(n)).type()).isEqualTo(SourceStat.Type.DIR);
  }
}
