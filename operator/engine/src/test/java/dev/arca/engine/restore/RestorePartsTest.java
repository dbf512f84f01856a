package dev.arca.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.format.Shares;
import dev.arca.engine.repo.Repository;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore in parts ({@link RestoreShare}): three runs restore one snapshot into one folder at
 * once, each its share of the files, and the folders run then makes links and folder metadata: the
 * folder then equals the source (contents, modes, mtimes, links). A part alone leaves links and
 * folder metadata to the folders run.
 */
class RestorePartsTest {
  @TempDir Path tmp;

  private Path source() throws IOException {
    Path src = tmp.resolve("weights");
    for (int d = 0; d < 3; d++) {
      for (int f = 0; f < 30; f++) {
        Fixtures.write(
            src.resolve("data/s" + d + "/f" + f + ".jsonl"), Fixtures.random(500 + 37 * f, f));
      }
    }
    Files.createDirectories(src.resolve("empty"));
    Files.createSymbolicLink(src.resolve("latest"), Path.of("data/s0"));
    for (int i = 1; i <= 2; i++) {
      Path p = src.resolve("model-0000" + i + ".bin");
      try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
        f.setLength(Shares.LARGE + i);
        f.write(Fixtures.random(1 << 20, i));
      }
    }
    Fixtures.setMtime(src.resolve("data"), 1_700_000_000L, 0);
    Fixtures.setMtime(src.resolve("empty"), 1_600_000_000L, 0);
    return src;
  }

  @Test
  void threePartsAtOnceThenTheFoldersRunRestoreTheSourceExactly() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = source();
    BackupReport b = Backup.run(repo, BackupOptions.of(src));
    Path target = tmp.resolve("shared");
    List<CompletableFuture<RestoreReport>> parts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RestoreShare share = new RestoreShare(i, 3);
      parts.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Restore.run(repo, RestoreOptions.of(b.snapshotId(), target), share);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }));
    }
    long files = 0;
    for (CompletableFuture<RestoreReport> f : parts) {
      RestoreReport r = f.join();
      assertThat(r.failures()).isEmpty();
      assertThat(r.files()).as("every part restores a share").isPositive();
      assertThat(r.symlinks()).isZero();
      files += r.files();
    }
    assertThat(files).isEqualTo(b.files());
    assertThat(Files.exists(target.resolve("weights/latest"))).as("links come last").isFalse();

    RestoreReport last =
        Restore.run(repo, RestoreOptions.of(b.snapshotId(), target), RestoreShare.folders());
    assertThat(last.failures()).isEmpty();
    assertThat(last.files()).isZero();
    assertThat(last.symlinks()).isEqualTo(1);
    Fixtures.assertSameTree(src, target.resolve("weights"));
  }

  @Test
  void aDamagedChunkIsNamedOnceForEachFileThatNeedsItByThePartThatOwnsIt() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = source();
    BackupReport b = Backup.run(repo, BackupOptions.of(src));
    var chunk = Fixtures.firstChunk(repo, b.snapshotId(), "weights/data/s1/f7.jsonl");
    Fixtures.flipByte(tmp.resolve("repo").resolve(chunk.packKey()), chunk.offset() + 20);
    Path target = tmp.resolve("shared");
    List<String> failures = new ArrayList<>();
    long files = 0;
    for (int i = 0; i < 3; i++) {
      RestoreReport r =
          Restore.run(repo, RestoreOptions.of(b.snapshotId(), target), new RestoreShare(i, 3));
      failures.addAll(r.failures());
      files += r.files();
    }
    assertThat(files).isEqualTo(b.files());
    // f7 has the same bytes in s0, s1 and s2 (one blob): each file that needs it is named once,
    // by the part that owns it, and none is left with wrong bytes
    assertThat(failures).hasSize(3);
    for (String d : List.of("s0", "s1", "s2")) {
      String rel = "weights/data/" + d + "/f7.jsonl";
      assertThat(failures).filteredOn(f -> f.startsWith(rel + ":")).hasSize(1);
      assertThat(Files.exists(target.resolve(rel))).isFalse();
    }
  }

  @Test
  void sharesAreDealtAlikeInEveryPartAndCoverEveryFileOnce() {
    List<Shares.File> files = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      files.add(new Shares.File("f" + i, i < 5 ? Shares.LARGE * (i + 1) : 10));
    }
    long[] loads = new long[3];
    var large = Shares.deal(files, 3, loads);
    assertThat(large).hasSize(5);
    // 5, 4, 3, 2, 1 times LARGE over three parts: 5 | 4+1 | 3+2
    assertThat(loads).containsExactly(5 * Shares.LARGE, 5 * Shares.LARGE, 5 * Shares.LARGE);
    int[] owned = new int[3];
    for (Shares.File f : files) {
      owned[Shares.owner(f.rel(), large, 3)]++;
    }
    assertThat(owned[0] + owned[1] + owned[2]).isEqualTo(50);
    for (int n : owned) {
      assertThat(n).as("small files spread by their paths' hash").isGreaterThan(5);
    }
  }
}
