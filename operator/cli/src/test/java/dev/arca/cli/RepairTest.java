package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The way back from damage: {@code repair index}, {@code repair snapshots}, {@code forget}, {@code
 * prune}, after which {@code verify --read-data} is clean and every file whose data was intact
 * restores byte for byte.
 */
class RepairTest {
  @TempDir Path tmp;

  @Test
  void aDamagedSnapshotAndADamagedIndexObjectAreRepairedUntilVerifyReadsClean() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    String first = repo.backup().get("snapshotId").asText();
    TestRepo.write(tmp.resolve("src/new.bin"), new byte[] {1, 2, 3, 4, 5});
    List<Path> firstIndex = TestRepo.objects(repo.repoDir.resolve("index"));
    String second = repo.backup().get("snapshotId").asText();
    TestRepo.write(tmp.resolve("src/a.txt"), "third version\n".getBytes());
    String third = repo.backup().get("snapshotId").asText();
    Path secondIndex =
        TestRepo.objects(repo.repoDir.resolve("index")).stream()
            .filter(p -> !firstIndex.contains(p))
            .findFirst()
            .orElseThrow();
    TestRepo.flip(secondIndex);
    TestRepo.flip(repo.repoDir.resolve("snapshots/" + third));

    List<Path> before = TestRepo.objects(repo.repoDir.resolve("index"));
    Cli.Result dry = repo.cli("repair", "index", "--dry-run", "--json");
    assertThat(dry.exitCode()).as("%s", dry).isZero();
    assertThat(dry.json().get("damagedIndexObjects").toString()).contains(repo.key(secondIndex));
    assertThat(TestRepo.objects(repo.repoDir.resolve("index"))).isEqualTo(before);

    JsonNode index = repo.json("repair", "index");
    assertThat(index.get("unreadablePacks")).isEmpty();
    assertThat(index.get("oldIndexObjects").asInt()).isEqualTo(before.size());
    assertThat(repo.repoDir.resolve(repo.key(secondIndex))).doesNotExist();

    JsonNode snaps = repo.json("repair", "snapshots", "--forget");
    assertThat(snaps.get("repaired")).isEmpty(); // the index repair brought every blob back
    assertThat(snaps.get("unreadable").has(third)).isTrue();
    assertThat(snaps.get("unreadableForgotten").asBoolean()).isTrue();

    assertThat(repo.json("prune", "--grace", "0").get("snapshots").asInt()).isEqualTo(2);
    Cli.Result verify = repo.cli("verify", "--read-data", "--json");
    assertThat(verify.exitCode()).as("%s", verify).isZero();
    assertThat(verify.json().get("ok").asBoolean()).isTrue();

    Map<String, byte[]> secondFiles = new java.util.HashMap<>(files);
    secondFiles.put("src/new.bin", new byte[] {1, 2, 3, 4, 5});
    assertRestores(repo, first, files);
    assertRestores(repo, second, secondFiles);
  }

  @Test
  void aFileWhoseDataIsDamagedIsLeftOutListedAndEverythingElseRestores() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    String id = repo.backup().get("snapshotId").asText();
    Path pack = repo.packs().get(0);
    byte[] bytes = TestRepo.read(pack);
    bytes[100] ^= 0x40; // inside the pack's first blob: some file's chunk
    TestRepo.write(pack, bytes);

    Cli.Result found = repo.cli("verify", "--read-data", "--json");
    assertThat(found.exitCode()).as("%s", found).isEqualTo(3);
    assertThat(found.json().get("recordedDamage").asInt()).isEqualTo(1);
    Set<String> hit = new TreeSet<>();
    found.json().get("affectedFiles").forEach(f -> hit.add(f.get("path").asText()));
    assertThat(hit).hasSize(1);

    List<Path> snapshotsBefore = TestRepo.objects(repo.repoDir.resolve("snapshots"));
    JsonNode dry = repo.json("repair", "snapshots", "--dry-run");
    assertThat(TestRepo.objects(repo.repoDir.resolve("snapshots"))).isEqualTo(snapshotsBefore);
    assertThat(leftOut(dry)).isEqualTo(hit);

    JsonNode repaired = repo.json("repair", "snapshots");
    JsonNode r = repaired.get("repaired").get(0);
    assertThat(r.get("id").asText()).isEqualTo(id);
    assertThat(leftOut(repaired)).isEqualTo(hit);
    String fresh = r.get("newId").asText();
    Map<String, byte[]> intact = new java.util.HashMap<>(files);
    hit.forEach(intact::remove);
    assertRestores(repo, fresh, intact);
    assertThat(tmp.resolve("restore-" + fresh).resolve(hit.iterator().next())).doesNotExist();

    // the damaged snapshot stays until forgotten; then prune leaves a clean repository
    JsonNode listed = repo.json("snapshots").get("snapshots");
    assertThat(listed).hasSize(2);
    assertThat(listed.toString()).contains("\"repairedFrom\":\"" + id + "\"");
    repo.json("forget", id);
    repo.json("prune", "--grace", "0");
    assertThat(repo.json("verify", "--read-data").get("ok").asBoolean()).isTrue();
    assertRestores(repo, fresh, intact);
  }

  @Test
  void aPackThatIsGoneIsFoundWithoutReadingDataAndItsFilesAreLeftOut() throws IOException {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();
    Path pack = repo.packs().get(0); // the data pack (tree packs are smaller)
    Files.delete(pack);
    JsonNode repaired = repo.json("repair", "snapshots", "--forget");
    JsonNode r = repaired.get("repaired").get(0);
    assertThat(r.get("leftOutFiles").asLong()).isPositive();
    assertThat(r.get("forgotten").asBoolean()).isTrue();
    assertThat(repo.json("snapshots").get("snapshots")).hasSize(1);
    // the index still names the pack that is gone, until it is rebuilt from what is there
    assertThat(repo.cli("verify", "--json").exitCode()).isEqualTo(3);
    assertThat(repo.json("repair", "index").get("packsGone").asInt()).isEqualTo(1);
    assertThat(repo.cli("verify", "--json").exitCode()).isZero();
  }

  private static Set<String> leftOut(JsonNode result) {
    Set<String> out = new TreeSet<>();
    result.get("repaired").forEach(s -> s.get("leftOut").forEach(p -> out.add(p.asText())));
    return out;
  }

  private void assertRestores(TestRepo repo, String id, Map<String, byte[]> files) {
    Path target = tmp.resolve("restore-" + id);
    Cli.Result r = repo.cli("restore", id, "--target", target.toString(), "--json");
    assertThat(r.exitCode()).as("%s", r).isZero();
    for (var f : files.entrySet()) {
      assertThat(TestRepo.read(target.resolve(f.getKey()))).as(f.getKey()).isEqualTo(f.getValue());
    }
  }
}
