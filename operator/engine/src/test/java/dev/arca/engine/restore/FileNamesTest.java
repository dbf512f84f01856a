package dev.arca.engine.restore;

import static dev.arca.engine.Fixtures.rawName;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File names that are not valid UTF-8 (written by old tools in Latin-1, or cut in the middle of a
 * character) are backed up and restored byte for byte, next to names Java would show alike.
 */
class FileNamesTest {
  @TempDir Path tmp;
  Path src;
  Repository repo;

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    write(rawName(src, 'a', 0xff, 'b'), "a Latin-1 name");
    Path dir = Files.createDirectories(rawName(src, 'd', 0xfe));
    write(dir.resolve("inside.txt"), "in a folder whose name is not UTF-8");
    write(rawName(dir, 't', 0xc3), "a name cut inside a character");
    write(rawName(src, 's', 0xed, 0xa0, 0x80), "a UTF-16 surrogate encoded as if it were UTF-8");
    write(rawName(src, 'x', 0xff), "x and the byte ff");
    write(src.resolve("x\uFFFD"), "x and a real replacement character, which Java shows alike");
    write(src.resolve("café"), "valid UTF-8");
    repo = Fixtures.repo(tmp.resolve("repo"));
  }

  @Test
  void namesThatAreNotUtf8AreBackedUpAndRestoredByteForByte() throws Exception {
    BackupReport b = Backup.run(repo, BackupOptions.of(src));

    assertThat(b.unreadable()).isEmpty();
    assertThat(b.files()).isEqualTo(7);
    Path target = tmp.resolve("target");
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(r.failures()).isEmpty();
    assertThat(r.files()).isEqualTo(7);
    Fixtures.assertSameTree(src, target.resolve("src"));
  }

  @Test
  void aLinkWhoseTargetIsNotUtf8IsReportedNotStoredPointingElsewhere() throws Exception {
    Path target = Fixtures.rawName(tmp, 't', 0xff);
    Files.createSymbolicLink(src.resolve("link"), target);

    BackupReport b = Backup.run(repo, BackupOptions.of(src));

    assertThat(b.unreadable())
        .singleElement()
        .asString()
        .startsWith("src/link: its target")
        .contains("not valid UTF-8");
    assertThat(b.files()).isEqualTo(7);
  }

  @Test
  void anUnchangedFolderOfSuchNamesIsNotReadAgainAndKeepsItsTreeId() throws Exception {
    Backup.run(repo, BackupOptions.of(src));

    BackupReport again = Backup.run(repo, BackupOptions.of(src));

    assertThat(again.unchangedFiles()).isEqualTo(7);
    List<Snapshots.Ref> snaps = Snapshots.list(repo).readable();
    assertThat(snaps).hasSize(2);
    assertThat(snaps.get(1).snapshot().tree()).isEqualTo(snaps.get(0).snapshot().tree());
  }

  @Test
  void includeGlobsSelectAFolderWhoseNameIsNotUtf8() throws Exception {
    Backup.run(repo, BackupOptions.of(src));

    Path target = tmp.resolve("target");
    RestoreReport r =
        Restore.run(
            repo, RestoreOptions.of("latest", target).withIncludes(List.of("src/d?", "café")));

    assertThat(r.failures()).isEmpty();
    assertThat(r.files()).isEqualTo(3);
    Path dir = rawName(target.resolve("src"), 'd', 0xfe);
    assertThat(dir.resolve("inside.txt")).hasContent("in a folder whose name is not UTF-8");
    assertThat(rawName(dir, 't', 0xc3)).hasContent("a name cut inside a character");
    assertThat(target.resolve("src/café")).hasContent("valid UTF-8");
    assertThat(rawName(target.resolve("src"), 'a', 0xff, 'b')).doesNotExist();
  }
}
