package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arca backup --part I/N --run ID} and {@code arca commit}: two parts of one run stored by
 * two commands become one snapshot that restores byte for byte; a commit with a part missing writes
 * nothing and exits 1 naming it; half-given part options are usage errors.
 */
class PartsCommandTest {
  @TempDir Path tmp;

  @Test
  void twoPartsAndACommitMakeOneSnapshotThatRestores() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    JsonNode p0 = repo.backup("--part", "0/2", "--run", "nightly.1");
    assertThat(p0.path("part").asInt()).isZero();
    assertThat(p0.path("partId").asText()).hasSize(64);
    assertThat(p0.path("backup").path("snapshotId").isNull()).isTrue();
    JsonNode p1 = repo.backup("--part", "1/2", "--run", "nightly.1");
    assertThat(p0.path("backup").path("files").asLong() + p1.path("backup").path("files").asLong())
        .isEqualTo(files.size());
    assertThat(repo.backup("--part", "1/2", "--run", "nightly.1").path("reused").asBoolean())
        .as("a part already stored is not run again")
        .isTrue();

    Cli.Result missing = repo.cli("commit", "--run", "nightly.1", "--parts", "3");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).contains("of 2 of run nightly.1, not of 3");

    JsonNode done = repo.json("commit", "--run", "nightly.1", "--parts", "2");
    String id = done.path("snapshotId").asText();
    assertThat(done.path("files").asLong()).isEqualTo(files.size());
    assertThat(repo.json("snapshots").path("snapshots")).hasSize(1);
    Path out = tmp.resolve("out");
    assertThat(repo.cli("restore", id, "--target", out.toString()).exitCode()).isZero();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertThat(Files.readAllBytes(out.resolve(f.getKey()))).isEqualTo(f.getValue());
    }
  }

  @Test
  void aRestoreInTwoPartsAndTheFoldersRunRestoresEveryFile() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    String id = repo.backup().path("snapshotId").asText();
    Path out = tmp.resolve("shared");
    long restored = 0;
    for (String part : new String[] {"0/2", "1/2"}) {
      JsonNode r = repo.json("restore", id, "--target", out.toString(), "--part", part);
      restored += r.path("files").asLong();
    }
    assertThat(restored).isEqualTo(files.size());
    JsonNode last = repo.json("restore", id, "--target", out.toString(), "--folders-only");
    assertThat(last.path("files").asLong()).isZero();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertThat(Files.readAllBytes(out.resolve(f.getKey()))).isEqualTo(f.getValue());
    }
    Cli.Result latest = repo.cli("restore", "latest", "--target", out.toString(), "--part", "0/2");
    assertThat(latest.exitCode()).isEqualTo(2);
    assertThat(latest.stderr()).contains("need the snapshot by id");
  }

  @Test
  void aCommitWithAPartMissingWritesNothing() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup("--part", "0/3", "--run", "r1");
    repo.backup("--part", "2/3", "--run", "r1");
    Cli.Result r = repo.cli("commit", "--run", "r1", "--parts", "3");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr())
        .contains("run r1: part 1 of 3 has written no part object")
        .contains("no snapshot was written");
    assertThat(repo.json("snapshots").path("snapshots")).isEmpty();
  }

  @Test
  void partOptionsGoTogether() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    assertThat(repo.cli("backup", "--part", "0/2", repo.source.toString()).stderr())
        .contains("--part and --run go together");
    assertThat(repo.cli("backup", "--part", "2/2", "--run", "r", repo.source.toString()).stderr())
        .contains("--part must be I/N with 1 <= N <= 256 and 0 <= I < N");
    assertThat(repo.cli("backup", "--part", "0/2", "--run", "a b", repo.source.toString()).stderr())
        .contains("--run must be 1 to 128 characters");
  }
}
