package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arca restore}: the JSON result, restored bytes and the --overwrite policies. */
class RestoreCommandTest {
  @TempDir Path tmp;

  private static final byte[] LOCAL =
      "local edit, not in any snapshot\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void restoreReportsCountsAndBringsBackEveryByte() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    String id = repo.backup().get("snapshotId").asText();
    Path target = tmp.resolve("restore");

    JsonNode r = repo.json("restore", "latest", "--target", target.toString());

    assertThat(Cli.fieldNames(r))
        .contains(
            "snapshotId",
            "files",
            "written",
            "unchanged",
            "kept",
            "keptPaths",
            "bytes",
            "durationMs");
    assertThat(r.get("snapshotId").asText()).isEqualTo(id);
    assertThat(r.get("files").asLong()).isEqualTo(files.size());
    assertThat(r.get("bytes").asLong()).isEqualTo(TestRepo.totalBytes(files));
    assertThat(r.get("written").asLong()).isEqualTo(files.size());
    assertThat(r.get("unchanged").asLong()).isZero();
    assertThat(r.get("kept").asLong()).isZero();
    assertThat(r.get("durationMs").asLong()).isNotNegative();
    assertThat(r.get("failures")).isEmpty();
    assertSameFiles(files, target);
  }

  @Test
  void restoreWithoutSnapshotArgumentTakesTheLatest() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    TestRepo.write(tmp.resolve("src/a.txt"), LOCAL);
    files.put("src/a.txt", LOCAL);
    String latest = repo.backup().get("snapshotId").asText();
    Path target = tmp.resolve("restore");

    JsonNode r = repo.json("restore", "--target", target.toString());

    assertThat(r.get("snapshotId").asText()).isEqualTo(latest);
    assertSameFiles(files, target);
  }

  @Test
  void secondRestoreIntoSameTargetSkipsFilesThatAreAlreadyRight() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    Path target = tmp.resolve("restore");
    repo.json("restore", "latest", "--target", target.toString());

    JsonNode again = repo.json("restore", "latest", "--target", target.toString());

    assertThat(again.get("unchanged").asLong()).isEqualTo(files.size());
    assertThat(again.get("files").asLong()).isEqualTo(files.size());
    assertThat(again.get("written").asLong()).isZero();
    assertThat(again.get("bytes").asLong()).isZero();
    assertSameFiles(files, target);
  }

  @Test
  void overwriteNeverLeavesALocallyModifiedFileAlone() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    Path target = tmp.resolve("restore");
    repo.json("restore", "latest", "--target", target.toString());
    Path edited = target.resolve("src/sub/b.bin");
    TestRepo.write(edited, LOCAL);

    Cli.Result run =
        repo.cli(
            "restore", "latest", "--target", target.toString(), "--overwrite", "never", "--json");
    JsonNode r = run.json();

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(TestRepo.read(edited)).isEqualTo(LOCAL);
    assertThat(r.get("files").asLong()).isEqualTo(files.size());
    assertThat(r.get("kept").asLong()).isEqualTo(1);
    assertThat(r.get("keptPaths")).extracting(JsonNode::asText).containsExactly("src/sub/b.bin");
    assertThat(r.get("unchanged").asLong()).isEqualTo(files.size() - 1);
    assertThat(r.get("written").asLong()).isZero();
    assertThat(run.stderr()).contains("kept (differs from the snapshot): src/sub/b.bin");
    assertThat(TestRepo.read(target.resolve("src/a.txt"))).isEqualTo(files.get("src/a.txt"));
  }

  @Test
  void overwriteAlwaysReplacesALocallyModifiedFile() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    Path target = tmp.resolve("restore");
    repo.json("restore", "latest", "--target", target.toString());
    TestRepo.write(target.resolve("src/sub/b.bin"), LOCAL);

    repo.json("restore", "latest", "--target", target.toString(), "--overwrite", "always");

    assertSameFiles(files, target);
  }

  @Test
  void overwriteIfDifferentReplacesALocallyModifiedFile() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    Path target = tmp.resolve("restore");
    repo.json("restore", "latest", "--target", target.toString());
    TestRepo.write(target.resolve("src/sub/b.bin"), LOCAL);

    JsonNode r =
        repo.json(
            "restore", "latest", "--target", target.toString(), "--overwrite", "if-different");

    assertSameFiles(files, target);
    assertThat(r.get("unchanged").asLong()).isEqualTo(files.size() - 1);
    assertThat(r.get("written").asLong()).isEqualTo(1);
    assertThat(r.get("bytes").asLong()).isEqualTo(files.get("src/sub/b.bin").length);
  }

  @Test
  void defaultOverwriteComparesContentNotSizeAndTime() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    Path target = tmp.resolve("restore");
    repo.json("restore", "latest", "--target", target.toString());
    Path edited = target.resolve("src/sub/deeper/c.dat");
    FileTime mtime = Files.getLastModifiedTime(edited);
    byte[] sameSize = files.get("src/sub/deeper/c.dat").clone();
    sameSize[100] ^= 1;
    TestRepo.write(edited, sameSize);
    Files.setLastModifiedTime(edited, mtime);

    repo.json("restore", "latest", "--target", target.toString());

    assertThat(TestRepo.read(edited)).isEqualTo(files.get("src/sub/deeper/c.dat"));
  }

  @Test
  void includeRestoresOnlyTheMatchingFolder() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    Path target = tmp.resolve("restore");

    JsonNode r =
        repo.json("restore", "latest", "--target", target.toString(), "--include", "src/sub");

    assertThat(r.get("files").asLong()).isEqualTo(2);
    assertThat(TestRepo.read(target.resolve("src/sub/b.bin")))
        .isEqualTo(files.get("src/sub/b.bin"));
    assertThat(TestRepo.read(target.resolve("src/sub/deeper/c.dat")))
        .isEqualTo(files.get("src/sub/deeper/c.dat"));
    assertThat(target.resolve("src/a.txt")).doesNotExist();
    assertThat(target.resolve("src/empty.txt")).doesNotExist();
  }

  @Test
  void includeGlobWithoutSlashMatchesANameAtAnyDepth() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    Path target = tmp.resolve("restore");

    JsonNode r = repo.json("restore", "--target", target.toString(), "--include", "*.dat");

    assertThat(r.get("files").asLong()).isEqualTo(1);
    assertThat(TestRepo.read(target.resolve("src/sub/deeper/c.dat")))
        .isEqualTo(files.get("src/sub/deeper/c.dat"));
    assertThat(target.resolve("src/sub/b.bin")).doesNotExist();
  }

  private static void assertSameFiles(Map<String, byte[]> files, Path target) {
    files.forEach(
        (rel, bytes) ->
            assertThat(TestRepo.read(target.resolve(rel))).as("restored %s", rel).isEqualTo(bytes));
  }
}
