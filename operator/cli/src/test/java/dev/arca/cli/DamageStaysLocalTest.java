package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One damaged snapshot or index object never stops the rest: the commands name it, do all they can
 * with the rest, exit 3 where the user's request could not be met, and a damaged snapshot can be
 * forgotten by id. Prune refuses to act on a partial picture.
 */
class DamageStaysLocalTest {
  @TempDir Path tmp;

  @Test
  void aDamagedSnapshotIsNamedOthersListAndRestoreAndItIsForgottenById() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    String first = repo.backup().get("snapshotId").asText();
    TestRepo.write(tmp.resolve("src/a.txt"), "second version\n".getBytes());
    String second = repo.backup().get("snapshotId").asText();
    TestRepo.flip(repo.repoDir.resolve("snapshots/" + second));

    Cli.Result list = repo.cli("snapshots", "--json");
    assertThat(list.exitCode()).as("%s", list).isEqualTo(3);
    JsonNode listed = list.json();
    assertThat(listed.get("snapshots")).hasSize(1);
    assertThat(listed.get("snapshots").get(0).get("id").asText()).isEqualTo(first);
    assertThat(listed.get("unreadable").get(0).get("id").asText()).isEqualTo(second);
    assertThat(list.stderr()).contains(second, "cannot be read");

    // "latest" is the newest readable snapshot, with a warning naming the other
    Path target = tmp.resolve("restore");
    Cli.Result restore = repo.cli("restore", "latest", "--target", target.toString(), "--json");
    assertThat(restore.exitCode()).as("%s", restore).isZero();
    assertThat(restore.json().get("snapshotId").asText()).isEqualTo(first);
    assertThat(restore.stderr()).contains("warning", second);
    assertThat(TestRepo.read(target.resolve("src/sub/b.bin")))
        .isEqualTo(files.get("src/sub/b.bin"));
    // asked for by id, it is an integrity error that names it
    Cli.Result byId = repo.cli("restore", second.substring(0, 10), "--target", target.toString());
    assertThat(byId.exitCode()).as("%s", byId).isEqualTo(3);
    assertThat(byId.stderr()).contains(second, "cannot be read");
    // backups go on, and prune refuses until it is dealt with
    assertThat(repo.backup().get("snapshotId").asText()).isNotBlank();
    Cli.Result prune = repo.cli("prune", "--json");
    assertThat(prune.exitCode()).as("%s", prune).isEqualTo(3);
    assertThat(prune.stderr()).contains("prune stopped, nothing was deleted", second);

    Cli.Result forget = repo.cli("forget", second.substring(0, 12), "--json");
    assertThat(forget.exitCode()).as("%s", forget).isZero();
    assertThat(forget.json().get("removed").get(0).get("id").asText()).isEqualTo(second);
    assertThat(repo.cli("snapshots", "--json").exitCode()).isZero();
    assertThat(repo.cli("prune", "--json").exitCode()).isZero();
  }

  @Test
  void aDamagedIndexObjectFailsOnlyTheFilesItListsAndStopsPrune() {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    String first = repo.backup().get("snapshotId").asText();
    List<Path> firstIndex = TestRepo.objects(repo.repoDir.resolve("index"));
    assertThat(firstIndex).hasSize(1);
    // a second backup with a new file: its own index object, which then gets damaged
    TestRepo.write(tmp.resolve("src/new.bin"), new byte[] {1, 2, 3, 4, 5});
    repo.backup();
    Path second =
        TestRepo.objects(repo.repoDir.resolve("index")).stream()
            .filter(p -> !firstIndex.contains(p))
            .findFirst()
            .orElseThrow();
    TestRepo.flip(second);

    // the first snapshot's data is all listed elsewhere: it restores whole, with a warning
    Path target = tmp.resolve("restore");
    Cli.Result restore = repo.cli("restore", first, "--target", target.toString(), "--json");
    assertThat(restore.exitCode()).as("%s", restore).isZero();
    assertThat(restore.stderr()).contains(repo.key(second), "count as missing");
    for (var f : files.entrySet()) {
      assertThat(TestRepo.read(target.resolve(f.getKey()))).isEqualTo(f.getValue());
    }
    // the second one's new listings were in the damaged object: exit 3, naming what is missing
    Cli.Result latest =
        repo.cli("restore", "latest", "--target", tmp.resolve("r2").toString(), "--json");
    assertThat(latest.exitCode()).as("%s", latest).isEqualTo(3);
    assertThat(latest.json().get("failures").toString()).contains("missing from the repository");

    Cli.Result prune = repo.cli("prune", "--json");
    assertThat(prune.exitCode()).as("%s", prune).isEqualTo(3);
    assertThat(prune.stderr()).contains("prune stopped, nothing was deleted", repo.key(second));
    // a new backup stores the unindexed content anew and succeeds
    Cli.Result backup = repo.cli("backup", "--json", repo.source.toString());
    assertThat(backup.exitCode()).as("%s", backup).isZero();
    assertThat(backup.stderr()).contains(repo.key(second));
  }
}
