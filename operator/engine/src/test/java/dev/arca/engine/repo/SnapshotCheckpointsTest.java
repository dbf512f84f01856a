package dev.arca.engine.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.VerifyReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Snapshot;
import dev.arca.engine.verify.Verify;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot's {@code checkpoints} as readers meet it: absent in older snapshots, and checked
 * before use, so a crafted list names the snapshot as damaged and leaves the others readable.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapshotCheckpointsTest {
  @TempDir Path tmp;
  Repository repo;
  BackupReport good;

  @BeforeEach
  void setUp() throws Exception {
    repo = Fixtures.repo(tmp.resolve("repo"));
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("notes.txt"), "kept safe");
    good = Backup.run(repo, BackupOptions.of(src));
  }

  /** Stores a snapshot object whose JSON is the good snapshot's plus {@code checkpoints}. */
  private String craft(String checkpoints) throws Exception {
    Snapshot s = Snapshots.resolve(repo, good.snapshotId(), null, w -> {}).snapshot();
    String json =
        new String(
            dev.arca.engine.format.ObjectCodec.JSON.writeValueAsBytes(s), StandardCharsets.UTF_8);
    String crafted = json.substring(0, json.length() - 1) + ",\"checkpoints\":" + checkpoints + "}";
    byte[] stored = repo.codec().seal(crafted.getBytes(StandardCharsets.UTF_8));
    String id = Hex.of(ChunkIds.sha256().digest(stored));
    repo.storage().create(Snapshot.PREFIX + id, stored);
    return id;
  }

  /** Why the snapshot {@code id} is unreadable, asserting that the good one still reads. */
  private String why(String id) throws Exception {
    Snapshots.Listing listing = Snapshots.list(repo);
    assertThat(listing.readable()).extracting(Snapshots.Ref::id).containsExactly(good.snapshotId());
    assertThat(listing.unreadable()).containsOnlyKeys(id);
    return listing.unreadable().get(id);
  }

  @Test
  void aSnapshotWithoutTheFieldReadsAsHoldingNoListOfCheckpoints() throws Exception {
    Snapshot s = Snapshots.list(repo).readable().get(0).snapshot();
    assertThat(s.checkpoints()).isNull();
  }

  @Test
  void aValidListReadsBack() throws Exception {
    String id =
        craft(
            "[{\"path\":\"src/runs/checkpoint-12\",\"step\":12,\"later\":[1]},{\"path\":\"src/final\",\"step\":null}]");
    Snapshot s = Snapshots.resolve(repo, id, null, w -> {}).snapshot();
    assertThat(s.checkpoints())
        .containsExactly(
            new dev.arca.engine.format.Checkpoint("src/runs/checkpoint-12", 12L),
            new dev.arca.engine.format.Checkpoint("src/final", null));
  }

  @Test
  void aListOfMoreThanAHundredThousandEntriesIsDamage() throws Exception {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i <= 100_000; i++) {
      b.append(i == 0 ? "" : ",").append("{\"path\":\"c/").append(i).append("\"}");
    }
    String id = craft(b.append(']').toString());
    assertThat(why(id))
        .isEqualTo(
            Snapshot.PREFIX
                + id
                + " is damaged: its checkpoints list holds more than 100000 entries, more than the"
                + " format allows");
  }

  @Test
  void badEntriesAreNamed() throws Exception {
    assertThat(why(craft("[{\"path\":\"a\"},{\"path\":\"../etc\",\"step\":1}]")))
        .endsWith(
            "is damaged: its checkpoint entry 1 has a path with an empty, '.', '..' or NUL name: ../etc");
  }

  @Test
  void aNegativeOrFractionalStepIsNamed() throws Exception {
    String id = craft("[{\"path\":\"a\",\"step\":-1}]");
    assertThat(why(id))
        .endsWith(
            "is damaged: its checkpoint entry 0 has a step that is not a whole number from 0 to 2^63-1");
    Snapshots.list(repo); // the listing goes on; forget the first to craft the next
    repo.storage().delete(Snapshot.PREFIX + id);
    assertThat(why(craft("[{\"path\":\"a\",\"step\":1.5}]")))
        .contains("has a step that is not a whole number");
  }

  @Test
  void otherShapesAreNamed() throws Exception {
    String[][] cases = {
      {"{\"path\":\"a\"}", "its checkpoints field is not a list"},
      {"[\"a\"]", "its checkpoint entry 0 is not an object"},
      {"[{\"step\":3}]", "its checkpoint entry 0 has no path"},
      {"[{\"path\":\"a\"},{\"path\":\"a\"}]", "its checkpoints list names a twice"},
      {"[{\"path\":\"" + "x".repeat(4097) + "\"}]", "has a path longer than 4096 bytes"},
      {"[{\"path\":\"a\\ud800\"}]", "has a path that is not valid Unicode"},
    };
    for (String[] c : cases) {
      String id = craft(c[0]);
      assertThat(why(id)).as(c[0]).contains(" is damaged: ").endsWith(c[1]);
      repo.storage().delete(Snapshot.PREFIX + id);
    }
  }

  @Test
  void verifyNamesTheDamagedSnapshot() throws Exception {
    String id = craft("[{\"path\":\"/abs\"}]");
    VerifyReport v = Verify.run(repo, 0, dev.arca.engine.Progress.NONE);
    assertThat(v.ok()).isFalse();
    assertThat(v.damagedObjects())
        .anyMatch(
            d ->
                d.contains(Snapshot.PREFIX + id)
                    && d.contains("its checkpoint entry 0 has a path"));
  }
}
