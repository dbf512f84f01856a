package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca backup --json}: the result object and its counters over full and incremental runs.
 */
class BackupCommandTest {
  @TempDir Path tmp;

  @Test
  void firstBackupIsFullAndCountsTheTree() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();

    JsonNode b = repo.backup();

    assertThat(Cli.fieldNames(b))
        .contains(
            "snapshotId",
            "parent",
            "mode",
            "files",
            "dirs",
            "bytes",
            "newBytes",
            "storedBytes",
            "unchangedFiles",
            "skippedSpecial",
            "changedWhileReading",
            "unreadable",
            "durationMs");
    assertThat(b.get("snapshotId").asText()).matches("[0-9a-f]{64}");
    assertThat(Cli.fieldNames(b).get(0)).isEqualTo("schema");
    assertThat(b.get("schema").asInt()).isEqualTo(dev.arca.contract.Reports.SCHEMA);
    assertThat(b.get("parent").isNull()).as("parent of the first snapshot: %s", b).isTrue();
    assertThat(b.get("mode").asText()).isEqualTo("full");
    assertThat(b.get("files").asLong()).isEqualTo(files.size());
    assertThat(b.get("dirs").asLong()).isEqualTo(TestRepo.DIRS);
    assertThat(b.get("bytes").asLong()).isEqualTo(TestRepo.totalBytes(files));
    assertThat(b.get("newBytes").asLong()).isGreaterThanOrEqualTo(TestRepo.totalBytes(files));
    assertThat(b.get("storedBytes").asLong()).isPositive();
    assertThat(b.get("unchangedFiles").asLong()).isZero();
    assertThat(b.get("skippedSpecial").asLong()).isZero();
    assertThat(b.get("changedWhileReading").asLong()).isZero();
    assertThat(b.get("unreadable").isArray()).isTrue();
    assertThat(b.get("unreadable")).isEmpty();
    assertThat(b.get("durationMs").isIntegralNumber()).isTrue();
    assertThat(b.get("durationMs").asLong()).isNotNegative();
  }

  @Test
  void secondBackupWithoutChangesIsIncrementalAndReadsNothing() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    JsonNode first = repo.backup();

    JsonNode second = repo.backup();

    assertThat(second.get("mode").asText()).isEqualTo("incremental");
    assertThat(second.get("parent").asText()).isEqualTo(first.get("snapshotId").asText());
    assertThat(second.get("snapshotId").asText())
        .matches("[0-9a-f]{64}")
        .isNotEqualTo(first.get("snapshotId").asText());
    assertThat(second.get("files").asLong()).isEqualTo(files.size());
    assertThat(second.get("dirs").asLong()).isEqualTo(TestRepo.DIRS);
    assertThat(second.get("bytes").asLong()).isEqualTo(TestRepo.totalBytes(files));
    assertThat(second.get("unchangedFiles").asLong()).isEqualTo(files.size());
    assertThat(second.get("newBytes").asLong()).isZero();
  }

  @Test
  void incrementalBackupRereadsOnlyTheModifiedFile() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    JsonNode second = repo.backup();
    byte[] changed = "hello arca, changed\n".getBytes(StandardCharsets.UTF_8);
    TestRepo.write(tmp.resolve("src/a.txt"), changed);
    long expectedBytes =
        TestRepo.totalBytes(files) - files.get("src/a.txt").length + changed.length;

    JsonNode third = repo.backup();

    assertThat(third.get("mode").asText()).isEqualTo("incremental");
    assertThat(third.get("parent").asText()).isEqualTo(second.get("snapshotId").asText());
    assertThat(third.get("files").asLong()).isEqualTo(files.size());
    assertThat(third.get("unchangedFiles").asLong()).isEqualTo(files.size() - 1);
    assertThat(third.get("bytes").asLong()).isEqualTo(expectedBytes);
    assertThat(third.get("newBytes").asLong()).isGreaterThanOrEqualTo(changed.length);
    assertThat(third.get("storedBytes").asLong()).isPositive();
  }

  @Test
  void fullFlagRereadsEveryFileButStoresNoDuplicateData() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();

    JsonNode full = repo.backup("--full");

    assertThat(full.get("mode").asText()).isEqualTo("full");
    assertThat(full.get("files").asLong()).isEqualTo(files.size());
    assertThat(full.get("bytes").asLong()).isEqualTo(TestRepo.totalBytes(files));
    assertThat(full.get("unchangedFiles").asLong()).isZero();
    assertThat(full.get("newBytes").asLong()).as("chunks already stored").isZero();
  }

  @Test
  void excludedFilesAreNotInTheSnapshot() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();

    JsonNode b = repo.backup("--exclude", "*.bin");

    assertThat(b.get("files").asLong()).isEqualTo(files.size() - 1);
    assertThat(b.get("bytes").asLong())
        .isEqualTo(TestRepo.totalBytes(files) - files.get("src/sub/b.bin").length);
    assertThat(repo.json("ls", "latest").get("entries").findValuesAsText("path"))
        .contains("src/sub/deeper/c.dat")
        .doesNotContain("src/sub/b.bin");
  }

  @Test
  void humanOutputNamesTheSnapshotAndMode() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();

    Cli.Result r = repo.cli("backup", repo.source.toString());

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdout()).containsPattern("snapshot [0-9a-f]{12} saved \\(full\\)");
    assertThat(r.stdout()).contains(TestRepo.FILES.size() + " files");
  }

  @Test
  void backupOfMissingPathIsUsageErrorAndSavesNoSnapshot() {
    TestRepo repo = new TestRepo(tmp).init();

    Cli.Result r = repo.cli("backup", tmp.resolve("nope").toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).contains("nope");
    assertThat(repo.json("snapshots").get("snapshots")).isEmpty();
  }
}
