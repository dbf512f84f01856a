package dev.arca.engine.forget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.SnapshotFilter;
import dev.arca.engine.repo.Snapshots;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForgetTest {
  @TempDir Path tmp;

  @Test
  void keepLastWorksPerHostAndPathsAndTagsLimitWhatIsConsidered() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Path models = Fixtures.write(tmp.resolve("models/a"), "weights").getParent();
    Path data = Fixtures.write(tmp.resolve("data/b"), "rows").getParent();
    for (int i = 0; i < 3; i++) {
      Fixtures.write(models.resolve("a"), "weights " + i);
      Backup.run(repo, BackupOptions.of(models).withTags(Map.of("team", "llm")));
      Backup.run(repo, BackupOptions.of(data));
    }
    assertThat(Snapshots.list(repo).readable()).hasSize(6);

    Forget.Result dry = Forget.run(repo, new Retention(1, 0, 0, 0, 0, 0), SnapshotFilter.ANY, true);
    assertThat(dry.kept()).hasSize(2); // the newest of each group
    assertThat(dry.removed()).hasSize(4);
    assertThat(Snapshots.list(repo).readable()).hasSize(6); // a dry run changes nothing

    Forget.Result tagged =
        Forget.run(
            repo,
            new Retention(1, 0, 0, 0, 0, 0),
            new SnapshotFilter(null, Map.of("team", "llm")),
            false);
    assertThat(tagged.removed()).hasSize(2);
    assertThat(tagged.removed()).allSatisfy(d -> assertThat(d.paths().get(0)).endsWith("models"));
    List<Snapshots.Ref> left = Snapshots.list(repo).readable();
    assertThat(left).hasSize(4);
    assertThat(left.stream().filter(r -> r.snapshot().paths().get(0).endsWith("data"))).hasSize(3);
  }

  @Test
  void anEmptyPolicyIsRefusedBecauseItWouldRemoveEverything() {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    assertThatThrownBy(
            () -> Forget.run(repo, new Retention(0, 0, 0, 0, 0, 0), SnapshotFilter.ANY, false))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("at least one rule");
  }
}
