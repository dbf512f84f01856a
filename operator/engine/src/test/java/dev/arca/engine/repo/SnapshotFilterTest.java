package dev.arca.engine.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.forget.Forget;
import dev.arca.engine.forget.Retention;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two teams back up into one repository under the same policy name, as the operator writes them
 * (host {@code namespace/policy}, owner tags): what one team's filter selects never includes the
 * other's snapshots.
 */
class SnapshotFilterTest {
  @TempDir Path tmp;
  Repository repo;
  Path teamA;
  Path teamB;

  private static Map<String, String> owner(String namespace, String uid) {
    return Map.of(
        "arca.dev/namespace", namespace, "arca.dev/policy", "training", "arca.dev/policy-uid", uid);
  }

  private static SnapshotFilter of(String namespace, String uid) {
    return new SnapshotFilter(namespace + "/training", owner(namespace, uid));
  }

  private String backup(Path src, String namespace, String uid) throws Exception {
    return Backup.run(
            repo,
            BackupOptions.of(src).withHost(namespace + "/training").withTags(owner(namespace, uid)))
        .snapshotId();
  }

  @BeforeEach
  void setUp() throws Exception {
    repo = Fixtures.repo(tmp.resolve("repo"));
    teamA = Fixtures.write(tmp.resolve("a/models/w.bin"), "team a weights").getParent();
    teamB = Fixtures.write(tmp.resolve("b/models/w.bin"), "team b weights").getParent();
  }

  @Test
  void latestBeforeAndIdsChooseOnlyAmongTheFiltersSnapshots() throws Exception {
    String a = backup(teamA, "team-a", "uid-a");
    String b = backup(teamB, "team-b", "uid-b"); // newer, in the same repository

    assertThat(Snapshots.resolve(repo, "latest", null, of("team-a", "uid-a"), m -> {}).id())
        .isEqualTo(a);
    assertThat(
            Snapshots.resolve(repo, null, "2999-01-01T00:00:00Z", of("team-a", "uid-a"), m -> {})
                .id())
        .isEqualTo(a);
    assertThatThrownBy(() -> Snapshots.resolve(repo, b, null, of("team-a", "uid-a"), m -> {}))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("is not one of the snapshots selected by --host team-a/training");
    assertThatThrownBy(
            () -> Snapshots.resolve(repo, "latest", null, of("team-a", "other"), m -> {}))
        .hasMessageContaining("no snapshots in")
        .hasMessageContaining("arca.dev/policy-uid=other");
    // without a filter, latest is the newest of all: what a restore with no owner used to get
    assertThat(Snapshots.resolve(repo, "latest", null, m -> {}).id()).isEqualTo(b);

    Path out = tmp.resolve("out");
    Restore.run(repo, RestoreOptions.of("latest", out).withFilter(of("team-a", "uid-a")));
    assertThat(Files.readString(out.resolve("models/w.bin"))).isEqualTo("team a weights");
  }

  @Test
  void aPolicysRetentionForgetsOnlyItsOwnSnapshots() throws Exception {
    for (int i = 0; i < 3; i++) {
      Fixtures.write(teamA.resolve("w.bin"), "a " + i);
      backup(teamA, "team-a", "uid-a");
      Fixtures.write(teamB.resolve("w.bin"), "b " + i);
      backup(teamB, "team-b", "uid-b");
    }
    // the same policy name and paths in both namespaces: only host and owner tags tell them apart
    Forget.Result r =
        Forget.run(repo, new Retention(1, 0, 0, 0, 0, 0), of("team-a", "uid-a"), false);
    assertThat(r.removed()).hasSize(2).allMatch(d -> d.host().equals("team-a/training"));
    assertThat(Snapshots.list(repo).readable())
        .filteredOn(s -> s.snapshot().host().equals("team-b/training"))
        .hasSize(3);
  }
}
