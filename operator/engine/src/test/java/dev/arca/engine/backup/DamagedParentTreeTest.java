package dev.arca.engine.backup;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.repo.DamageRecords;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup whose parent snapshot has a damaged folder listing: the folder counts as new (its files
 * are read again, with a warning that names it), the listing is stored anew and the damaged copy
 * recorded, and the new snapshot restores byte for byte.
 */
class DamagedParentTreeTest {
  @TempDir Path tmp;

  @Test
  void aFolderWhoseParentListingIsDamagedIsReadAgainAndRestores() throws Exception {
    Path src = tmp.resolve("src");
    for (int i = 0; i < 6; i++) {
      write(src.resolve("kept/f" + i), random(5_000 + i, i));
      write(src.resolve("hurt/f" + i), random(7_000 + i, 100 + i));
    }
    write(src.resolve("top.bin"), random(20_000, 99));
    Path repoDir = tmp.resolve("repo");
    Repository repo = Fixtures.repo(repoDir);
    BackupReport first = Backup.run(repo, BackupOptions.of(src));

    BlobIndex.Location tree = Fixtures.folderTree(repo, first.snapshotId(), "src/hurt");
    Fixtures.flipByte(repoDir.resolve(tree.packKey()), tree.offset() + 20);

    List<String> warnings = new CopyOnWriteArrayList<>();
    BackupReport second =
        Backup.run(repo, BackupOptions.of(src).withProgress(Fixtures.warningsTo(warnings)));

    assertThat(second.parent()).isEqualTo(first.snapshotId());
    assertThat(warnings)
        .anyMatch(w -> w.startsWith("src/hurt: parent snapshot's listing is unreadable"))
        .anyMatch(w -> w.startsWith("recorded 1 damaged blob copy"));
    assertThat(repo.storage().list(DamageRecords.PREFIX)).hasSize(1);
    assertThat(second.files()).isEqualTo(13);
    assertThat(second.unchangedFiles()).as("all but the six under src/hurt").isEqualTo(7);
    assertThat(restore(repo, second.snapshotId()).failures()).isEmpty();
    Fixtures.assertSameTree(src, tmp.resolve(second.snapshotId() + "/src"));
    // the listing came out the same, so it has the same id: the first snapshot restores too
    assertThat(restore(repo, first.snapshotId()).failures()).isEmpty();
    Fixtures.assertSameTree(src, tmp.resolve(first.snapshotId() + "/src"));

    // the next backup reads the new copy of the listing: nothing to read again
    warnings.clear();
    BackupReport third =
        Backup.run(repo, BackupOptions.of(src).withProgress(Fixtures.warningsTo(warnings)));
    assertThat(warnings).isEmpty();
    assertThat(third.unchangedFiles()).isEqualTo(13);
  }

  private RestoreReport restore(Repository repo, String snapshotId) throws Exception {
    return Restore.run(repo, RestoreOptions.of(snapshotId, tmp.resolve(snapshotId)));
  }
}
