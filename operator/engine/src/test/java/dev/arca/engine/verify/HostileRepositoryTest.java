package dev.arca.engine.verify;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.contract.VerifyReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.backup.Crafted;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.export.ExportOptions;
import dev.arca.engine.export.TarExport;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.prune.Prune;
import dev.arca.engine.prune.PruneOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted repository objects whose lengths, counts or shapes lie: each is reported as damage,
 * named, within bounded memory and time, and the rest of the repository stays usable.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileRepositoryTest {
  @TempDir Path tmp;
  Repository repo;
  BackupReport good;
  Path src;

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    repo = Fixtures.repo(tmp.resolve("repo"));
    write(src.resolve("model/weights.bin"), random(300_000, 1));
    write(src.resolve("notes.txt"), "kept safe");
    good = Backup.run(repo, BackupOptions.of(src));
  }

  /** Stores {@code stored} under PREFIX/sha256, as a writer would name it. */
  private String put(String prefix, byte[] stored) throws Exception {
    String key = prefix + Hex.of(ChunkIds.sha256().digest(stored));
    repo.storage().create(key, stored);
    return key;
  }

  @Test
  void aSnapshotThatClaimsTwoGibibytesIsNamedAndTheOthersStillWork() throws Exception {
    String bomb = put(Snapshot.PREFIX, repo.cipher().seal(Fixtures.zstdBomb(2L << 30)));
    Snapshots.Listing listing = Snapshots.list(repo);
    assertThat(listing.readable()).extracting(Snapshots.Ref::id).containsExactly(good.snapshotId());
    assertThat(listing.unreadable()).hasSize(1);
    assertThat(listing.unreadable().values().iterator().next())
        .contains(bomb, "more than the format allows");
    // restore of the good snapshot, and a new backup, go on as usual
    List<String> warnings = new ArrayList<>();
    RestoreReport r =
        Restore.run(
            repo,
            RestoreOptions.of("latest", tmp.resolve("out"))
                .withProgress(
                    new Progress() {
                      @Override
                      public void warn(String m) {
                        warnings.add(m);
                      }
                    }));
    assertThat(r.failures()).isEmpty();
    Fixtures.assertSameTree(src, tmp.resolve("out/src"));
    assertThat(warnings).anyMatch(w -> w.contains("cannot be read"));
    assertThat(Backup.run(repo, BackupOptions.of(src)).snapshotId()).isNotNull();
    // verify names it; prune refuses to act on a partial picture
    VerifyReport v = Verify.run(repo, 0, Progress.NONE);
    assertThat(v.ok()).isFalse();
    assertThat(v.damagedObjects()).anyMatch(d -> d.startsWith(bomb));
    assertThatThrownBy(() -> Prune.run(repo, PruneOptions.defaults()))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("prune stopped, nothing was deleted")
        .hasMessageContaining(bomb);
  }

  @Test
  void anIndexThatClaimsTwoBillionPacksIsSkippedByReadersAndStopsPrune() throws Exception {
    ByteBuffer payload = ByteBuffer.allocate(8 + 4 + 64);
    payload.put("ARCAIDX1".getBytes(StandardCharsets.US_ASCII)).putInt(Integer.MAX_VALUE);
    String bad = put("index/", repo.codec().seal(payload.array()));
    assertThatThrownBy(() -> repo.loadIndex())
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining(bad)
        .hasMessageContaining("packs, more than it holds");
    List<String> warnings = new ArrayList<>();
    assertThat(repo.loadIndex(warnings::add).size()).isPositive();
    assertThat(warnings).singleElement().asString().contains(bad, "count as missing");
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", tmp.resolve("out")));
    assertThat(r.failures()).isEmpty();
    assertThat(Verify.run(repo, 0, Progress.NONE).damagedObjects())
        .anyMatch(d -> d.startsWith(bad));
    assertThatThrownBy(() -> Prune.run(repo, PruneOptions.defaults()))
        .hasMessageContaining("prune stopped, nothing was deleted");
  }

  @Test
  void anIndexEntryThatClaimsATwoGibibyteTreeIsDamageNotAnAllocation() throws Exception {
    ByteBuffer payload = ByteBuffer.allocate(8 + 4 + 32 + 4 + 50);
    payload.put("ARCAIDX1".getBytes(StandardCharsets.US_ASCII)).putInt(1).put(new byte[32]);
    payload.putInt(1).put(random(32, 9)).putInt(0).putInt(0).putInt(100);
    payload.putInt(Integer.MAX_VALUE).put((byte) 1).put((byte) 1); // raw length, tree, zstd
    String bad = put("index/", repo.codec().seal(payload.array()));
    assertThatThrownBy(() -> repo.loadIndex())
        .hasMessageContaining(bad)
        .hasMessageContaining("more than the format allows");
  }

  @Test
  void sharedSubtreesThirtyLevelsDeepAreReportedByVerifyAndNotExpandedWithoutEnd()
      throws Exception {
    Crafted c = new Crafted(repo);
    Node leaf = c.file("f", "x".getBytes(StandardCharsets.UTF_8));
    String tree = c.tree(List.of(leaf));
    for (int level = 0; level < 30; level++) {
      tree =
          c.tree(
              List.of(
                  new Node("a", Node.DIR, 0755, 0, 0, 0, 0, 0, 0, null, null, null, tree),
                  new Node("b", Node.DIR, 0755, 0, 0, 0, 0, 0, 0, null, null, null, tree)));
    }
    Node root = new Node("dag", Node.DIR, 0755, 0, 0, 0, 0, 0, 0, null, null, null, tree);
    // the snapshot claims what 30 levels of two folders would be if they were not shared
    String id = c.commit(List.of(root), new Snapshot.Stats(2, 62, 2, 0, 0, 0, 0, 0));
    long t0 = System.nanoTime();
    VerifyReport v = Verify.run(repo, 100, Progress.NONE);
    // verify reads each distinct tree once, and says what restore will say: it cannot be walked
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    assertThat(v.ok()).isFalse();
    assertThat(v.damagedObjects())
        .singleElement()
        .asString()
        .startsWith("snapshots/" + id)
        .contains("expand to more than the 62 folders it recorded");
    assertThatThrownBy(() -> Restore.run(repo, RestoreOptions.of(id, tmp.resolve("out"))))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("expand to more than the 62 folders it recorded");
    assertThatThrownBy(
            () ->
                TarExport.run(
                    repo,
                    new ExportOptions(id, null, List.of(), ExportOptions.Format.TAR),
                    OutputStream.nullOutputStream(),
                    w -> {}))
        .hasMessageContaining("expand to more than");
  }

  @Test
  void identicalFoldersShareTheirTreesAndVerifyAsIntact() throws Exception {
    Path twins = tmp.resolve("twins");
    for (String copy : List.of("a", "b", "c/d")) {
      write(twins.resolve(copy + "/shard/part.bin"), random(2_000, 3));
    }
    BackupReport b = Backup.run(repo, BackupOptions.of(twins));
    VerifyReport v = Verify.run(repo, 100, Progress.NONE);
    assertThat(v.ok()).as("%s", v.damagedObjects()).isTrue();
    RestoreReport r = Restore.run(repo, RestoreOptions.of(b.snapshotId(), tmp.resolve("out")));
    assertThat(r.failures()).isEmpty();
    Fixtures.assertSameTree(twins, tmp.resolve("out/twins"));
  }

  private String chain(Crafted c, int levels, String name) throws Exception {
    String tree = c.tree(List.of(c.file("bottom.txt", "deep".getBytes(StandardCharsets.UTF_8))));
    for (int level = 0; level < levels; level++) {
      tree =
          c.tree(List.of(new Node(name, Node.DIR, 0755, 0, 0, 0, 0, 0, 0, null, null, null, tree)));
    }
    return tree;
  }

  @Test
  void aChainOfFiftyThousandFoldersIsJudgedWithoutRecursionAndRefusedAsTooDeep() throws Exception {
    String id = verifyFindsPathsTooLong(50_000, "d");
    // restore, ls and export walk it with TreeWalk: folder by folder, no deeper than a path may be
    List<String> refused = new ArrayList<>();
    long[] folders = new long[1];
    dev.arca.engine.repo.TreeWalk.walk(
        repo,
        repo.loadIndex(),
        Snapshots.resolve(repo, id, null, w -> {}),
        new dev.arca.engine.repo.TreeWalk.Visitor() {
          @Override
          public boolean enter(String path, Node n) {
            folders[0]++;
            return n.isDir();
          }

          @Override
          public void refused(String folder, String problem) {
            refused.add(problem);
          }

          @Override
          public void unreadable(String folder, Exception e) {
            throw new AssertionError(e);
          }
        });
    assertThat(refused).singleElement().asString().contains("longer than 4096 bytes");
    assertThat(folders[0]).isEqualTo(1 + 2046); // "deep", then "/d" while the path fits in 4096
  }

  @Test
  void pathLengthsAreCountedInBytesAsLinuxCountsThem() throws Exception {
    verifyFindsPathsTooLong(1500, "é"); // "deep/é/é/...": 3,004 characters, but 4,504 bytes
  }

  /**
   * Commits a snapshot whose folder "deep" holds a chain of {@code levels} folders named {@code
   * name}, and asserts that verify names it as holding paths over the limit; returns its id.
   */
  private String verifyFindsPathsTooLong(int levels, String name) throws Exception {
    Crafted c = new Crafted(repo);
    String tree = chain(c, levels, name);
    String id =
        c.commit(
            List.of(new Node("deep", Node.DIR, 0755, 0, 0, 0, 0, 0, 0, null, null, null, tree)),
            new Snapshot.Stats(1, levels + 1, 4, 0, 0, 0, 0, 0));
    VerifyReport v = Verify.run(repo, 0, Progress.NONE);
    assertThat(v.damagedObjects())
        .singleElement()
        .asString()
        .contains(id, "paths longer than 4096 bytes");
    return id;
  }

  @Test
  void aTreeThreeHundredLevelsDeepRestoresWhole() throws Exception {
    Crafted c = new Crafted(repo);
    String tree = chain(c, 300, "d");
    String id =
        c.commit(
            List.of(new Node("deep", Node.DIR, 0755, 0, 0, 0, 0, 0, 0, null, null, null, tree)),
            new Snapshot.Stats(1, 301, 4, 0, 0, 0, 0, 0));
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
    Path out = tmp.resolve("o");
    RestoreReport r = Restore.run(repo, RestoreOptions.of(id, out));
    assertThat(r.failures()).isEmpty();
    Path bottom = out.resolve("deep");
    for (int level = 0; level < 300; level++) {
      bottom = bottom.resolve("d");
    }
    assertThat(bottom.resolve("bottom.txt")).hasContent("deep");
  }
}
