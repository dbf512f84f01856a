package dev.arca.engine.backup;

import static dev.arca.engine.backup.PartsTest.commit;
import static dev.arca.engine.backup.PartsTest.large;
import static dev.arca.engine.backup.PartsTest.opts;
import static dev.arca.engine.backup.PartsTest.part;
import static dev.arca.engine.backup.PartsTest.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.Progress;
import dev.arca.engine.format.Node;
import dev.arca.engine.format.Part;
import dev.arca.engine.format.Shares;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.repo.Parts;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.verify.Verify;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files larger than a share, cut into pieces that different parts store (FORMAT.md, "Parts"): the
 * pieces join into the file one backup stores (same chunks for a safetensors file, the whole file's
 * SHA-256 either way), an unchanged file stays whole in the next run, and a file that changes
 * between the parts' reads is left out of the snapshot and named, never stored torn.
 */
class PiecesTest {
  @TempDir Path tmp;

  private static final long BIG = 3 * SplitPlan.LARGE + 12_345;

  /** Small files and one file of {@link #BIG} bytes at {@code big}. */
  private Path dataset(String big) throws IOException {
    Path src = tmp.resolve("weights");
    for (int f = 0; f < 30; f++) {
      Fixtures.write(src.resolve("data/f" + f + ".txt"), Fixtures.random(2000 + 31 * f, f));
    }
    large(src.resolve(big), BIG, 7);
    return src;
  }

  private static Node file(Repository repo, Snapshot s, String name) throws IOException {
    for (Node n : repo.readTree(repo.loadIndex(), s.tree()).nodes()) {
      if (n.isDir() && n.name().equals("weights")) {
        for (Node k : repo.readTree(repo.loadIndex(), n.subtree()).nodes()) {
          if (k.name().equals(name)) {
            return k;
          }
        }
      }
    }
    return null;
  }

  private void restoresExactly(Repository repo, String id, Path src) throws IOException {
    Path out = tmp.resolve("out-" + id.substring(0, 8));
    Restore.run(repo, RestoreOptions.of(id, out));
    Fixtures.assertSameTree(src, out.resolve("weights"));
  }

  @Test
  void aSafetensorsFileLargerThanAShareIsCutIntoPiecesThatJoinIntoTheTreeOneBackupWrites()
      throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = tmp.resolve("weights");
    Fixtures.write(src.resolve("config.json"), "{\"layers\": 7}");
    int[] elements = new int[7];
    long[] seeds = new long[7];
    for (int i = 0; i < 7; i++) {
      elements[i] = 15_000_000 + 1_000 * i; // 30 MB of BF16 each: 210 MB in all
      seeds[i] = i;
    }
    Fixtures.safetensors(src.resolve("model.safetensors"), elements, seeds);
    BackupReport whole = Backup.run(repo, opts(src));

    List<Backup.PartResult> parts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      parts.add(part(repo, opts(src), "run-1", i, 3));
    }
    long size = Files.size(src.resolve("model.safetensors"));
    assertThat(parts)
        .as("each part stored about a third of the file")
        .allSatisfy(p -> assertThat(p.figures().bytes()).isBetween(size / 5, size / 2));
    List<Part.Piece> listed = new ArrayList<>();
    Parts.list(repo).readable().forEach(r -> listed.addAll(r.part().pieces()));
    assertThat(listed).extracting(Part.Piece::piece).containsExactlyInAnyOrder(0, 1, 2);

    List<String> warnings = new ArrayList<>();
    BackupReport joined = commit(repo, "run-1", 3, warnings);
    assertThat(warnings).isEmpty();
    assertThat(joined.unreadable()).isEmpty();
    Snapshot a = snapshot(repo, whole.snapshotId());
    Snapshot b = snapshot(repo, joined.snapshotId());
    assertThat(b.tree())
        .as("the pieces start at chunk ends: same chunks, same tree id as one backup")
        .isEqualTo(a.tree());
    assertThat(joined.files()).isEqualTo(whole.files());
    assertThat(joined.bytes()).isEqualTo(whole.bytes());
    restoresExactly(repo, joined.snapshotId(), src);
    assertThat(Verify.run(repo, 100, Progress.NONE).ok()).isTrue();
  }

  @Test
  void anyLargeFileIsJoinedWithItsWholeSha256AndStaysWholeWhileUnchanged() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = dataset("checkpoint.bin");
    for (int i = 0; i < 3; i++) {
      part(repo, opts(src), "run-1", i, 3);
    }
    BackupReport joined = commit(repo, "run-1", 3, new ArrayList<>());
    assertThat(joined.unreadable()).isEmpty();
    Node n = file(repo, snapshot(repo, joined.snapshotId()), "checkpoint.bin");
    assertThat(n.size()).isEqualTo(BIG);
    assertThat(n.sha256()).isEqualTo(Fixtures.sha256(src.resolve("checkpoint.bin")));
    assertThat(joined.files()).isEqualTo(31);
    long bytes;
    try (var files = Files.walk(src)) {
      bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    assertThat(joined.bytes()).isEqualTo(bytes);
    restoresExactly(repo, joined.snapshotId(), src);

    // nothing changed: piece 0's part keeps the file whole from the parent, the others skip it
    List<Backup.PartResult> next = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      next.add(part(repo, opts(src).withFull(false), "run-2", i, 3));
    }
    assertThat(next.stream().mapToLong(p -> p.figures().unchangedFiles()).sum())
        .as("every file, the large one once, found unchanged and not read")
        .isEqualTo(31);
    BackupReport again = commit(repo, "run-2", 3, new ArrayList<>());
    assertThat(snapshot(repo, again.snapshotId()).tree())
        .isEqualTo(snapshot(repo, joined.snapshotId()).tree());
    assertThat(again.files()).isEqualTo(31);
    assertThat(again.unchangedFiles()).isEqualTo(31);
  }

  @Test
  void aFileChangedBetweenThePartsReadsIsLeftOutAndNamedNeverStoredTorn() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = dataset("checkpoint.bin");
    Map<String, List<Shares.Piece>> plan =
        Shares.pieces(List.of(new Shares.File("weights/checkpoint.bin", BIG)), 3, new long[3]);
    List<Shares.Piece> pieces = plan.get("weights/checkpoint.bin");
    assertThat(pieces).hasSize(3);
    int hasher = pieces.get(0).owner();
    part(repo, opts(src), "run-1", hasher, 3);
    // the trainer rewrites the middle of the last piece: same size, same mtime
    Path big = src.resolve("checkpoint.bin");
    var mtime = Files.getLastModifiedTime(big);
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.seek(pieces.get(2).offset() + (1 << 20));
      f.write(Fixtures.random(1 << 20, 99));
    }
    Files.setLastModifiedTime(big, mtime);
    for (int i = 0; i < 3; i++) {
      if (i != hasher) {
        part(repo, opts(src), "run-1", i, 3);
      }
    }
    List<String> warnings = new ArrayList<>();
    BackupReport joined = commit(repo, "run-1", 3, warnings);
    assertThat(joined.unreadable())
        .singleElement()
        .satisfies(
            u ->
                assertThat(u)
                    .startsWith("weights/checkpoint.bin: changed while the run's parts read it")
                    .contains("piece 2 holds other bytes than piece 0's part read there")
                    .contains("not in this snapshot"));
    assertThat(warnings).anySatisfy(w -> assertThat(w).contains("weights/checkpoint.bin"));
    assertThat(file(repo, snapshot(repo, joined.snapshotId()), "checkpoint.bin")).isNull();
    assertThat(joined.files()).as("the small files are all there").isEqualTo(30);
    Path out = tmp.resolve("out");
    Restore.run(repo, RestoreOptions.of(joined.snapshotId(), out));
    assertThat(out.resolve("weights/checkpoint.bin")).doesNotExist();
    assertThat(Fixtures.sha256(out.resolve("weights/data/f3.txt")))
        .isEqualTo(Fixtures.sha256(src.resolve("data/f3.txt")));
  }

  @Test
  void aPartObjectWhosePieceListLiesAboutItsOffsetsLeavesTheFileOutNamedAndStoresNothingTorn()
      throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = dataset("checkpoint.bin");
    for (int i = 0; i < 3; i++) {
      part(repo, opts(src), "run-1", i, 3);
    }
    // the part holding piece 1 is written again (a lower id wins) claiming another offset
    Parts.Ref holder =
        Parts.list(repo).readable().stream()
            .filter(r -> r.part().pieces().stream().anyMatch(x -> x.piece() == 1))
            .findFirst()
            .orElseThrow();
    Part p = holder.part();
    List<Part.Piece> shifted = new ArrayList<>();
    for (Part.Piece x : p.pieces()) {
      shifted.add(
          new Part.Piece(
              x.path(),
              x.piece(),
              x.of(),
              x.offset() + 4096,
              x.size(),
              x.sha256(),
              x.pieceSha256()));
    }
    Parts.delete(repo, List.of(holder));
    Parts.save(repo, new Part(p.run(), p.part(), p.parts(), p.plan(), p.snapshot(), null, shifted));

    BackupReport joined = commit(repo, "run-1", 3, new ArrayList<>());
    assertThat(joined.unreadable())
        .singleElement()
        .satisfies(u -> assertThat(u).contains("checkpoint.bin", "does not start where"));
    assertThat(file(repo, snapshot(repo, joined.snapshotId()), "checkpoint.bin")).isNull();
    assertThat(joined.files()).isEqualTo(30);
  }

  @Test
  void piecesAreDealtToDifferentPartsAndOnlyFilesOfTwoLargeSizesOrMoreAreCut() {
    long l = SplitPlan.LARGE;
    Map<String, List<Shares.Piece>> plan =
        Shares.pieces(
            List.of(
                new Shares.File("a", 10 * l),
                new Shares.File("b", l + 1),
                new Shares.File("c", 2 * l - 1)),
            4,
            new long[4]);
    List<Shares.Piece> a = plan.get("a");
    assertThat(a).hasSizeGreaterThan(1);
    assertThat(a).extracting(Shares.Piece::owner).doesNotHaveDuplicates();
    long at = 0;
    for (Shares.Piece p : a) {
      assertThat(p.offset()).isEqualTo(at);
      assertThat(p.offset() % Shares.PIECE_ALIGN).isZero();
      at += p.length();
    }
    assertThat(at).isEqualTo(10 * l);
    assertThat(plan.get("b")).as("smaller than two LARGE: never cut").hasSize(1);
    assertThat(plan.get("c")).hasSize(1);
  }

  @Test
  void partObjectsWithCraftedPiecesAreRefused() {
    Part.Piece ok = new Part.Piece("w/x", 1, 2, 64, 128, null, null);
    assertThat(crafted(ok).problem()).isNull();
    assertThat(crafted(new Part.Piece("w/x", 2, 2, 0, 1, null, null)).problem())
        .contains("is not i of n");
    assertThat(crafted(new Part.Piece("w/x", 1, 3, 0, 1, null, null)).problem())
        .as("more pieces than parts")
        .contains("is not i of n");
    assertThat(crafted(new Part.Piece("w/x", 1, 2, 200, 100, null, null)).problem())
        .contains("outside its file");
    assertThat(
            crafted(new Part.Piece("w/x", 0, 2, 0, 100, "ab".repeat(32), List.of("x"))).problem())
        .contains("are not 2 SHA-256s");
    assertThat(crafted(new Part.Piece("w/x", 1, 2, 0, 100, "ab".repeat(32), null)).problem())
        .contains("hashes only piece 0 has");
    assertThat(crafted(ok, ok).problem()).contains("two pieces of w/x");
  }

  private static Part crafted(Part.Piece... pieces) {
    Snapshot s =
        new Snapshot(
            "2026-12-06T00:00:00Z",
            "h",
            List.of("/w"),
            null,
            null,
            "full",
            "ab".repeat(32),
            null,
            null,
            new Snapshot.Stats(0, 0, 0, 0, 0, 0, 0, 0),
            "test");
    return new Part("r", 1, 2, "cd".repeat(32), s, null, List.of(pieces));
  }
}
