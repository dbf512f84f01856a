package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arca snapshots --json} and {@code arca ls --json}. */
class ListingTest {
  @TempDir Path tmp;

  @Test
  void snapshotsListsEverySnapshotOldestFirstWithItsMetadata() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    String first = repo.backup().get("snapshotId").asText();
    String second =
        repo.backup("--tag", "team=llm", "--tag", "stage=test", "--host", "node-7")
            .get("snapshotId")
            .asText();

    JsonNode list = repo.json("snapshots");

    JsonNode snaps = list.get("snapshots");
    assertThat(snaps.isArray()).as("%s", list).isTrue();
    assertThat(snaps).hasSize(2);
    for (JsonNode s : snaps) {
      assertThat(Cli.fieldNames(s))
          .contains("id", "time", "mode", "paths", "tags", "host", "files", "bytes");
      assertThat(s.get("paths").isArray()).isTrue();
      assertThat(s.get("paths").get(0).asText()).isEqualTo(repo.source.toString());
      assertThat(s.get("files").asLong()).isEqualTo(files.size());
      assertThat(s.get("bytes").asLong()).isEqualTo(TestRepo.totalBytes(files));
      assertThat(s.get("mode").asText()).isEqualTo("full");
      assertThat(s.get("tags").isObject()).isTrue();
    }
    JsonNode a = snaps.get(0);
    JsonNode b = snaps.get(1);
    assertThat(a.get("id").asText()).isEqualTo(first);
    assertThat(b.get("id").asText()).isEqualTo(second);
    assertThat(time(a)).isBeforeOrEqualTo(time(b));
    assertThat(a.get("tags")).isEmpty();
    assertThat(b.get("host").asText()).isEqualTo("node-7");
    assertThat(b.get("tags").get("team").asText()).isEqualTo("llm");
    assertThat(b.get("tags").get("stage").asText()).isEqualTo("test");
    assertThat(b.get("tags")).hasSize(2);
    assertThat(a.get("host").asText()).isNotEqualTo("node-7").isNotBlank();
  }

  @Test
  void snapshotsOfAnEmptyRepositoryIsAnEmptyList() {
    TestRepo repo = new TestRepo(tmp).init();

    JsonNode list = repo.json("snapshots");

    assertThat(list.get("snapshots").isArray()).isTrue();
    assertThat(list.get("snapshots")).isEmpty();
  }

  @Test
  void lsListsEveryFileWithSizeAndTheSha256OfTheSource() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    String id = repo.backup().get("snapshotId").asText();

    JsonNode ls = repo.json("ls", id);

    assertThat(ls.get("snapshotId").asText()).isEqualTo(id);
    Map<String, JsonNode> byPath = byPath(ls);
    assertThat(byPath).containsKeys("src", "src/sub", "src/sub/deeper");
    files.forEach(
        (rel, bytes) -> {
          JsonNode e = byPath.get(rel);
          assertThat(e).as("entry %s in %s", rel, ls).isNotNull();
          assertThat(e.get("size").asLong()).as(rel).isEqualTo(bytes.length);
          assertThat(e.get("sha256").asText()).as(rel).isEqualTo(TestRepo.sha256(bytes));
        });
    List<String> filePaths = new ArrayList<>();
    for (JsonNode e : ls.get("entries")) {
      if (e.hasNonNull("sha256")) {
        filePaths.add(e.get("path").asText());
      }
    }
    assertThat(filePaths).containsExactlyInAnyOrderElementsOf(files.keySet());
  }

  @Test
  void lsPathLimitsTheListingToThatFolder() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();

    JsonNode ls = repo.json("ls", "latest", "src/sub");

    Map<String, JsonNode> byPath = byPath(ls);
    assertThat(byPath).containsKeys("src/sub/b.bin", "src/sub/deeper/c.dat");
    assertThat(byPath.keySet())
        .allSatisfy(
            p -> assertThat(p.equals("src/sub") || p.startsWith("src/sub/")).as(p).isTrue());
    assertThat(byPath).doesNotContainKeys("src/a.txt", "src/empty.txt", "src");
  }

  @Test
  void lsPathNamingOneFileListsOnlyThatFile() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();

    JsonNode ls = repo.json("ls", "latest", "src/sub/deeper/c.dat");

    assertThat(byPath(ls)).containsOnlyKeys("src/sub/deeper/c.dat");
    assertThat(byPath(ls).get("src/sub/deeper/c.dat").get("sha256").asText())
        .isEqualTo(TestRepo.sha256(files.get("src/sub/deeper/c.dat")));
  }

  @Test
  void lsPathThatIsOnlyANamePrefixMatchesNothing() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();

    Cli.Result r = repo.cli("ls", "latest", "src/su", "--json");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
    assertThat(r.stdout()).doesNotContain("src/sub/b.bin");
    assertThat(r.stderr()).contains("src/su");
  }

  private static Map<String, JsonNode> byPath(JsonNode ls) {
    assertThat(ls.get("entries").isArray()).as("%s", ls).isTrue();
    Map<String, JsonNode> m = new HashMap<>();
    for (JsonNode e : ls.get("entries")) {
      assertThat(m.put(e.get("path").asText(), e)).as("path listed once: %s", e).isNull();
    }
    return m;
  }

  private static Instant time(JsonNode snapshot) {
    return OffsetDateTime.parse(snapshot.get("time").asText()).toInstant();
  }
}
