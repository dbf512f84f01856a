package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.contract.PruneReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.format.Part;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.prune.Prune;
import dev.arca.engine.prune.PruneOptions;
import dev.arca.engine.repo.Parts;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.FileStorage;
import dev.arca.engine.storage.ForwardingStorage;
import dev.arca.engine.verify.Verify;
import dev.arca.samples.ManualClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallel runs (FORMAT.md, "Parts"): parts that split one file set, or take sources of their own,
 * join into the snapshot one backup of the same data makes (same root tree id, same figures); a run
 * with a part missing, killed or planned from other files writes no snapshot, and its retry reuses
 * what the finished parts stored; prune keeps what parts hold until their commit.
 */
class PartsTest {
  @TempDir Path tmp;

  /** Small files in nested folders, an empty folder, a symlink and two files dealt out by size. */
  private Path dataset() throws IOException {
    Path src = tmp.resolve("weights");
    for (int d = 0; d < 4; d++) {
      for (int f = 0; f < 25; f++) {
        Fixtures.write(
            src.resolve("data/shard-" + d + "/f" + f + ".txt"),
            Fixtures.random(1000 + 97 * f, d * 100L + f));
      }
    }
    Files.createDirectories(src.resolve("empty/inside"));
    Files.createSymbolicLink(src.resolve("link"), Path.of("data/shard-0/f0.txt"));
    large(src.resolve("model-00001.bin"), SplitPlan.LARGE + 1000, 1);
    large(src.resolve("model-00002.bin"), SplitPlan.LARGE + 5000, 2);
    return src;
  }

  /** A file of {@code size} bytes, random in its first and last MiB (cheap to write and store). */
  static void large(Path p, long size, long seed) throws IOException {
    Files.createDirectories(p.getParent());
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
      f.write(Fixtures.random(1 << 20, seed));
      f.seek(size - (1 << 20));
      f.write(Fixtures.random(1 << 20, seed + 1000));
    }
  }

  static BackupOptions opts(Path... src) {
    return BackupOptions.of(src).withHost("ns/policy").withFull(true).withThreads(2);
  }

  static Backup.PartResult part(Repository repo, BackupOptions o, String run, int i, int n)
      throws IOException {
    return Backup.runPart(repo, o.withPart(new PartSpec(run, i, n, null)));
  }

  static BackupReport commit(Repository repo, String run, int n, List<String> warnings)
      throws IOException {
    return PartsCommit.run(repo, run, n, Clock.systemUTC(), warnings::add);
  }

  static Snapshot snapshot(Repository repo, String id) throws IOException {
    return Snapshots.list(repo).readable().stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow()
        .snapshot();
  }

  private void restoresExactly(Repository repo, String id, Path src, String name)
      throws IOException {
    Path out = tmp.resolve("out-" + id.substring(0, 8));
    Restore.run(repo, RestoreOptions.of(id, out));
    Fixtures.assertSameTree(src, out.resolve(name));
  }

  @Test
  void threePartsSplittingOneFileSetMakeTheSnapshotOneBackupMakes() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = dataset();
    BackupReport whole = Backup.run(repo, opts(src));

    List<Backup.PartResult> parts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      parts.add(part(repo, opts(src), "run-1", i, 3));
    }
    assertThat(Parts.list(repo).readable()).hasSize(3);
    assertThat(Snapshots.list(repo).readable()).as("parts are no snapshots").hasSize(1);
    assertThat(parts)
        .as("every part stored a share of the files")
        .allSatisfy(p -> assertThat(p.figures().files()).isPositive());
    assertThat(parts.stream().mapToLong(p -> p.figures().files()).sum())
        .as("each file in exactly one part")
        .isEqualTo(whole.files());
    assertThat(parts.stream().mapToLong(p -> p.figures().bytes()).max().getAsLong())
        .as("the two large files went to different parts")
        .isLessThan(SplitPlan.LARGE * 2);

    List<String> warnings = new ArrayList<>();
    BackupReport joined = commit(repo, "run-1", 3, warnings);
    Snapshot a = snapshot(repo, whole.snapshotId());
    Snapshot b = snapshot(repo, joined.snapshotId());
    assertThat(b.tree()).as("same root tree id as one backup").isEqualTo(a.tree());
    assertThat(b.paths()).isEqualTo(a.paths());
    assertThat(joined.files()).isEqualTo(whole.files());
    assertThat(joined.dirs()).isEqualTo(whole.dirs());
    assertThat(joined.bytes()).isEqualTo(whole.bytes());
    assertThat(Parts.list(repo).readable()).as("the commit deletes the parts").isEmpty();
    assertThat(warnings).isEmpty();
    restoresExactly(repo, joined.snapshotId(), src, "weights");
  }

  @Test
  void partsWithSourcesOfTheirOwnJoinIntoOneSnapshotOfAllSources() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path a = tmp.resolve("node-a/models");
    Path b = tmp.resolve("node-b/datasets");
    Fixtures.write(a.resolve("m/x.bin"), Fixtures.random(300_000, 1));
    Fixtures.write(b.resolve("d/y.txt"), Fixtures.random(5_000, 2));
    BackupReport whole = Backup.run(repo, opts(a, b));
    List<String> sources = List.of(a.toString(), b.toString());
    Backup.runPart(repo, opts(a).withPart(new PartSpec("nodes", 0, 2, sources)));
    Backup.runPart(repo, opts(b).withPart(new PartSpec("nodes", 1, 2, sources)));
    BackupReport joined = commit(repo, "nodes", 2, new ArrayList<>());
    assertThat(snapshot(repo, joined.snapshotId()).tree())
        .isEqualTo(snapshot(repo, whole.snapshotId()).tree());
    assertThat(snapshot(repo, joined.snapshotId()).paths()).isEqualTo(sources);
    assertThat(joined.dirs()).isEqualTo(whole.dirs());

    // the next run's parts find the joined snapshot as their parent: nothing is read again
    Backup.PartResult next =
        Backup.runPart(
            repo,
            BackupOptions.of(a).withHost("ns/policy").withPart(new PartSpec("n2", 0, 2, sources)));
    assertThat(next.figures().parent()).isEqualTo(joined.snapshotId());
    assertThat(next.figures().unchangedFiles()).isEqualTo(1);
    restoresExactly(repo, joined.snapshotId(), a, "models");
    restoresExactly(repo, joined.snapshotId(), b, "datasets");
  }

  @Test
  void aKilledPartLeavesNoSnapshotAndTheRetryReusesWhatTheOthersStored() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Repository repo = Fixtures.repo(repoDir);
    Path src = dataset();
    part(repo, opts(src), "run-1", 0, 3);
    part(repo, opts(src), "run-1", 2, 3);
    // part 1 is killed midway: its store refuses writes after its first pack
    AtomicInteger packs = new AtomicInteger();
    Repository dying =
        Repository.open(
            new ForwardingStorage(new FileStorage(repoDir)) {
              @Override
              public void create(String key, byte[] data, int offset, int length)
                  throws IOException {
                if (key.startsWith("data/") && packs.incrementAndGet() > 1) {
                  throw new IOException("killed");
                }
                super.create(key, data, offset, length);
              }
            },
            Fixtures.PASSWORD);
    assertThatThrownBy(() -> part(dying, opts(src), "run-1", 1, 3)).hasMessageContaining("killed");

    List<String> warnings = new ArrayList<>();
    assertThatThrownBy(() -> commit(repo, "run-1", 3, warnings))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("run run-1: part 1 of 3 has written no part object")
        .hasMessageContaining("no snapshot was written");
    assertThat(Snapshots.list(repo).readable()).isEmpty();

    // the retry: the finished parts are not run again; the killed one runs and the commit joins
    Backup.PartResult p0 = part(repo, opts(src), "run-1", 0, 3);
    assertThat(p0.reused()).isTrue();
    Backup.PartResult p1 = part(repo, opts(src), "run-1", 1, 3);
    assertThat(p1.reused()).isFalse();
    BackupReport joined = commit(repo, "run-1", 3, warnings);
    restoresExactly(repo, joined.snapshotId(), src, "weights");

    // a new run of the same data stores nothing new in any part
    long newBytes = 0;
    for (int i = 0; i < 3; i++) {
      newBytes += part(repo, opts(src), "run-2", i, 3).figures().newBytes();
    }
    assertThat(newBytes).isZero();
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
  }

  @Test
  void twoObjectsOfOnePartAreJoinedOnceAndBothDeleted() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = dataset();
    for (int i = 0; i < 2; i++) {
      part(repo, opts(src), "run-1", i, 2);
    }
    Part p =
        Parts.list(repo).readable().stream()
            .map(Parts.Ref::part)
            .filter(x -> x.part() == 1)
            .findFirst()
            .orElseThrow();
    // a second attempt of part 1 that finished too (same files, a later start)
    Snapshot s = p.snapshot();
    Snapshot later =
        new Snapshot(
            java.time.Instant.parse(s.time()).plusSeconds(5).toString(),
            s.host(),
            s.paths(),
            s.tags(),
            s.parent(),
            s.mode(),
            s.tree(),
            s.includes(),
            s.excludes(),
            s.stats(),
            s.program(),
            null,
            s.checkpoints());
    Parts.save(repo, new Part(p.run(), 1, 2, p.plan(), later, p.unreadable(), p.pieces()));
    assertThat(Parts.list(repo).readable()).hasSize(3);

    BackupReport joined = commit(repo, "run-1", 2, new ArrayList<>());
    restoresExactly(repo, joined.snapshotId(), src, "weights");
    assertThat(Parts.list(repo).readable()).as("the copy is deleted with the others").isEmpty();
  }

  @Test
  void partsPlannedFromDifferentFileSetsAreNotJoined() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = dataset();
    part(repo, opts(src), "run-1", 0, 2);
    large(src.resolve("model-00003.bin"), SplitPlan.LARGE + 1, 3); // written between the listings
    part(repo, opts(src), "run-1", 1, 2);
    assertThatThrownBy(() -> commit(repo, "run-1", 2, new ArrayList<>()))
        .hasMessageContaining("parts 0 and 1 differ in their plan")
        .hasMessageContaining("no snapshot was written");
    assertThat(Snapshots.list(repo).readable()).isEmpty();
  }

  @Test
  void craftedPartObjectsAreRefusedAndNeverJoined() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("a.txt"), "a");
    Fixtures.write(src.resolve("b.txt"), "b");
    Backup.PartResult real = part(repo, opts(src), "r", 0, 2);
    Part p = Parts.list(repo).readable().get(0).part();
    // out of range, a bad run id, a tree that does not exist
    Parts.save(repo, new Part("r", 5, 2, null, p.snapshot(), null));
    Parts.save(repo, new Part("r/../x", 1, 2, null, p.snapshot(), null));
    Parts.Listing l = Parts.list(repo);
    assertThat(l.readable()).hasSize(1);
    assertThat(l.unreadable().values())
        .anySatisfy(w -> assertThat(w).contains("part number 5 is not 0 to 1"))
        .anySatisfy(w -> assertThat(w).contains("run id"));

    Snapshot noTree =
        new Snapshot(
            p.snapshot().time(),
            p.snapshot().host(),
            p.snapshot().paths(),
            p.snapshot().tags(),
            null,
            "full",
            "ab".repeat(32),
            List.of(),
            List.of(),
            p.snapshot().stats(),
            "crafted");
    Parts.save(repo, new Part("r", 1, 2, p.plan(), noTree, null));
    assertThatThrownBy(() -> commit(repo, "r", 2, new ArrayList<>()))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("missing from the repository index");
    assertThat(Snapshots.list(repo).readable()).isEmpty();

    // a part holding a file another part holds: refused, not joined
    Repository r2 = Fixtures.repo(tmp.resolve("repo2"));
    Backup.runPart(r2, opts(src).withPart(new PartSpec("dup", 0, 2, List.of(src.toString()))));
    Backup.runPart(r2, opts(src).withPart(new PartSpec("dup", 1, 2, List.of(src.toString()))));
    assertThatThrownBy(() -> commit(r2, "dup", 2, new ArrayList<>()))
        .hasMessageContaining("parts [0, 1] all hold src/a.txt");
    assertThat(real.partId()).isNotNull();
  }

  @Test
  void pruneKeepsWhatPartsHoldUntilTheirCommitAndDropsPartsOfRunsThatNeverCommit()
      throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = dataset();
    ManualClock clock = new ManualClock();
    PruneOptions now = PruneOptions.defaults().withGrace(Duration.ZERO).withClock(clock);
    for (int i = 0; i < 2; i++) {
      part(repo, opts(src).withClock(clock), "run-1", i, 2);
    }
    PruneReport first = Prune.run(repo, now);
    assertThat(first.deletedPacks()).as("the parts' packs are needed").isZero();
    BackupReport joined = commit(repo, "run-1", 2, new ArrayList<>());
    restoresExactly(repo, joined.snapshotId(), src, "weights");

    // a run that never commits: its part is dropped after 7 days, then its data goes
    Path other = tmp.resolve("other");
    Fixtures.write(other.resolve("x.bin"), Fixtures.random(400_000, 9));
    Backup.runPart(repo, opts(other).withClock(clock).withPart(new PartSpec("lost", 0, 2, null)));
    assertThat(Prune.run(repo, now).staleParts()).isZero();
    clock.advance(Parts.LIFE.plusDays(1));
    PruneReport later = Prune.run(repo, now);
    assertThat(later.staleParts()).isEqualTo(1);
    assertThat(later.deletedPacks()).isPositive();
    assertThat(Parts.list(repo).readable()).isEmpty();
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
    restoresExactly(repo, joined.snapshotId(), src, "weights");
  }
}
