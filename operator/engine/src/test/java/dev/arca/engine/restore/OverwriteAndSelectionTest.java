package dev.arca.engine.restore;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.storage.FileStorage;
import dev.arca.engine.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Restoring into a non-empty target, resuming, and picking the snapshot. */
public class OverwriteAndSelectionTest {
  @TempDir Path tmp;
  Path src;
  Repository repo;
  BackupReport first;

  /** The store the repository lives in; the integration tier runs this suite on MinIO. */
  protected Storage newStorage(Path dir) throws Exception {
    return new FileStorage(dir);
  }

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    repo = Fixtures.repo(newStorage(tmp.resolve("repo")));
    for (int i = 0; i < 6; i++) {
      write(src.resolve("f" + i), random(50_000 + i, i));
    }
    first = Backup.run(repo, BackupOptions.of(src));
  }

  @Test
  void interruptedRestoreResumesAndLeavesCorrectFilesAlone() throws Exception {
    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of("latest", target));
    // As if the first restore died: one file missing, one half written, a temp file left over.
    Files.delete(target.resolve("src/f1"));
    write(target.resolve("src/f2"), random(10, 9));
    RestoreReport again = Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(again.failures()).isEmpty();
    assertThat(again.files()).isEqualTo(6);
    assertThat(again.unchanged()).isEqualTo(4);
    assertThat(again.written()).isEqualTo(2);
    assertThat(again.kept()).isZero();
    assertThat(again.bytes()).isEqualTo(50_001 + 50_002);
    Fixtures.assertSameTree(src, target.resolve("src"));
    try (var names = Files.list(target.resolve("src"))) {
      assertThat(names.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  /**
   * What a killed restore leaves (temporary files named as Arca names them, in the target and in a
   * folder of it) goes with the next restore into that target, whatever its overwrite mode; files
   * of the user's with names that only look alike stay.
   */
  @ParameterizedTest
  @EnumSource(RestoreOptions.Overwrite.class)
  void aRerunRemovesTheTemporaryFilesOfAKilledRestoreAndNoUserFile(RestoreOptions.Overwrite mode)
      throws Exception {
    write(src.resolve("sub/g"), random(9_000_000, 7)); // a large file: sub is a folder of its own
    Backup.run(repo, BackupOptions.of(src));
    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of("latest", target));
    List<Path> leftovers =
        List.of(
            write(target.resolve(".arca-00ff00ff00ff00ff.tmp"), random(100, 1)),
            write(target.resolve("src/.arca-0123456789abcdef.tmp"), random(50_000, 2)),
            write(target.resolve("src/sub/.arca-5f3a.tmp"), random(4_000_000, 3)));
    List<Path> users =
        List.of(
            write(target.resolve("src/.arca-notes.tmp"), "mine"),
            write(target.resolve("src/.arca-0123456789abcdef.tmp.bak"), "mine"),
            write(target.resolve("src/.arca-0123456789ABCDEF.tmp"), "mine"),
            write(target.resolve("src/.arca-0123456789abcdef0.tmp"), "mine"),
            write(target.resolve("src/sub/arca-5f3a.tmp"), "mine"),
            write(target.resolve("src/sub/.arca-.tmp"), "mine"));
    Files.createDirectories(target.resolve("src/.arca-00000000000000aa.tmp"));

    RestoreReport again =
        Restore.run(repo, RestoreOptions.of("latest", target).withOverwrite(mode));

    assertThat(again.failures()).isEmpty();
    assertThat(leftovers).noneMatch(Files::exists);
    for (Path p : users) {
      assertThat(p).hasContent("mine");
    }
    assertThat(target.resolve("src/.arca-00000000000000aa.tmp")).isDirectory();
    Map<String, String> restored = files(target.resolve("src"));
    users.forEach(p -> restored.remove(target.resolve("src").relativize(p).toString()));
    assertThat(restored).isEqualTo(files(src));
  }

  /** What {@link Fixtures#describe} says of the files below {@code root} (folders left out). */
  private static Map<String, String> files(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>(Fixtures.describe(root));
    out.values().removeIf(d -> d.startsWith("dir "));
    return out;
  }

  @Test
  void overwriteNeverKeepsLocalChangesAndAlwaysReplacesThem() throws Exception {
    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of("latest", target));
    write(target.resolve("src/f0"), "local edit");
    write(target.resolve("src/f3"), random(50_003, 99)); // same size, other bytes
    Files.delete(target.resolve("src/f5"));
    RestoreReport never =
        Restore.run(
            repo,
            RestoreOptions.of("latest", target).withOverwrite(RestoreOptions.Overwrite.NEVER));
    // one meaning in every mode: what the selection holds, what was written, what was right
    // already, and what differs and was left alone, by path
    assertThat(never.files()).isEqualTo(6);
    assertThat(never.written()).isEqualTo(1);
    assertThat(never.bytes()).isEqualTo(50_005);
    assertThat(never.unchanged()).isEqualTo(3);
    assertThat(never.kept()).isEqualTo(2);
    assertThat(never.keptPaths()).containsExactly("src/f0", "src/f3");
    assertThat(target.resolve("src/f0")).hasContent("local edit");
    RestoreReport ifDifferent = Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(ifDifferent.files()).isEqualTo(6);
    assertThat(ifDifferent.written()).isEqualTo(2);
    assertThat(ifDifferent.unchanged()).isEqualTo(4);
    assertThat(ifDifferent.kept()).isZero();
    assertThat(ifDifferent.bytes()).isEqualTo(50_000 + 50_003);
    write(target.resolve("src/f1"), "local edit");
    RestoreReport always =
        Restore.run(
            repo,
            RestoreOptions.of("latest", target).withOverwrite(RestoreOptions.Overwrite.ALWAYS));
    assertThat(always.files()).isEqualTo(6);
    assertThat(always.written()).isEqualTo(6);
    assertThat(always.unchanged()).isZero();
    Fixtures.assertSameTree(src, target.resolve("src"));
  }

  @Test
  void onlyTheFirstKeptPathsAreNamedButAllAreCounted() throws Exception {
    Path many = tmp.resolve("many");
    for (int i = 0; i < Restore.KEPT_PATHS + 5; i++) {
      write(many.resolve(String.format("g%02d", i)), random(100 + i, i));
    }
    Backup.run(repo, BackupOptions.of(many));
    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of("latest", target));
    for (int i = 0; i < Restore.KEPT_PATHS + 5; i++) {
      write(target.resolve(String.format("many/g%02d", i)), "edited " + i);
    }
    RestoreReport never =
        Restore.run(
            repo,
            RestoreOptions.of("latest", target).withOverwrite(RestoreOptions.Overwrite.NEVER));
    assertThat(never.kept()).isEqualTo(Restore.KEPT_PATHS + 5);
    assertThat(never.keptPaths()).hasSize(Restore.KEPT_PATHS).startsWith("many/g00");
    assertThat(never.written()).isZero();
  }

  @Test
  void snapshotsArePickedByIdPrefixLatestOrTime() throws Exception {
    Thread.sleep(20);
    Instant between = Instant.now();
    Thread.sleep(20);
    write(src.resolve("f0"), "changed");
    BackupReport second = Backup.run(repo, BackupOptions.of(src));

    assertThat(Snapshots.resolve(repo, "latest", null, w -> {}).id())
        .isEqualTo(second.snapshotId());
    assertThat(Snapshots.resolve(repo, first.snapshotId().substring(0, 10), null, w -> {}).id())
        .isEqualTo(first.snapshotId());
    assertThat(Snapshots.resolve(repo, null, between.toString(), w -> {}).id())
        .isEqualTo(first.snapshotId());
    assertThatThrownBy(() -> Snapshots.resolve(repo, null, "2000-01-01T00:00:00Z", w -> {}))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("no snapshot at or before");
    assertThatThrownBy(() -> Snapshots.resolve(repo, "ffffffffff", null, w -> {}))
        .hasMessageContaining("no snapshot with id 'ffffffffff'");
    assertThatThrownBy(() -> Snapshots.resolve(repo, null, "yesterday", w -> {}))
        .hasMessageContaining("RFC 3339");

    Path target = tmp.resolve("t");
    Restore.run(repo, RestoreOptions.of(null, target).withBefore(between.toString()));
    assertThat(Fixtures.sha256(target.resolve("src/f0")))
        .isNotEqualTo(Fixtures.sha256(src.resolve("f0")));
  }
}
