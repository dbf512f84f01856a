package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arca verify}: a healthy repository, and damage named down to the affected files. */
class VerifyCommandTest {
  @TempDir Path tmp;

  @Test
  void healthyRepositoryVerifiesOk() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();

    Cli.Result r = repo.cli("verify", "--json");

    assertThat(r.exitCode()).as("%s", r).isZero();
    JsonNode v = r.json();
    assertThat(Cli.fieldNames(v))
        .contains(
            "ok",
            "snapshots",
            "packs",
            "packsRead",
            "blobs",
            "damagedObjects",
            "affectedFiles",
            "durationMs");
    assertThat(v.get("ok").asBoolean(false)).isTrue();
    assertThat(v.get("snapshots").asLong()).isEqualTo(1);
    assertThat(v.get("packs").asLong()).isEqualTo(repo.packs().size());
    assertThat(v.get("damagedObjects")).isEmpty();
    assertThat(v.get("affectedFiles")).isEmpty();
  }

  @Test
  void readDataReadsEveryPackOfAHealthyRepository() {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();

    JsonNode v = repo.json("verify", "--read-data");

    assertThat(v.get("ok").asBoolean(false)).isTrue();
    assertThat(v.get("packsRead").asLong()).isEqualTo(v.get("packs").asLong()).isPositive();
  }

  @Test
  void deletedPackIsNamedWithTheFilesItBreaks() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    String id = repo.backup().get("snapshotId").asText();
    // The largest pack holds the data of src/sub/b.bin (200 kB of random bytes).
    Path pack = repo.packs().get(0);
    String key = repo.key(pack);
    Files.delete(pack);

    Cli.Result r = repo.cli("verify", "--json");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    JsonNode v = r.json();
    assertThat(v.get("ok").asBoolean(true)).isFalse();
    assertThat(texts(v.get("damagedObjects"))).anySatisfy(d -> assertThat(d).contains(key));
    List<String> affected = new ArrayList<>();
    for (JsonNode f : v.get("affectedFiles")) {
      affected.add(f.get("snapshotId").asText() + " " + f.get("path").asText());
    }
    assertThat(affected).contains(id + " src/sub/b.bin");
  }

  @Test
  void readDataFindsAFlippedByte() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();
    Path pack = repo.packs().get(0);
    byte[] bytes = Files.readAllBytes(pack);
    bytes[bytes.length / 3] ^= 0x40;
    Files.write(pack, bytes);

    Cli.Result r = repo.cli("verify", "--read-data", "--json");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    assertThat(r.json().get("ok").asBoolean(true)).isFalse();
    assertThat(texts(r.json().get("damagedObjects")))
        .anySatisfy(d -> assertThat(d).contains(repo.key(pack)));
  }

  @Test
  void restoreThatHitsAMissingPackIsExitCode3() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();
    Files.delete(repo.packs().get(0));
    Path target = tmp.resolve("restore");

    Cli.Result r = repo.cli("restore", "latest", "--target", target.toString());

    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    assertThat(r.stderr()).contains("src/sub/b.bin");
    assertThat(target.resolve("src/sub/b.bin")).doesNotExist();
  }

  private static List<String> texts(JsonNode array) {
    assertThat(array.isArray()).as("%s", array).isTrue();
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
