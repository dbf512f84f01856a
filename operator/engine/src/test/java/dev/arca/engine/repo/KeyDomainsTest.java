package dev.arca.engine.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.storage.MemoryStorage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer whose key domain is destroyed while it runs (it holds the master key already) writes no
 * snapshot: the commit check refuses it.
 */
class KeyDomainsTest {
  @TempDir Path tmp;

  @Test
  void aBackupRunningWhileItsDomainIsDestroyedCommitsNothing() throws Exception {
    MemoryStorage root = new MemoryStorage();
    Repository repo = Fixtures.repo(KeyDomains.storage(root, "team-a"));
    Path src = tmp.resolve("src");
    Fixtures.write(src.resolve("weights.bin"), Fixtures.random(1 << 20, 9));
    Backup.run(repo, BackupOptions.of(src));
    assertThat(root.list("domains/team-a/snapshots/")).hasSize(1);

    KeyDomains.destroy(
        root,
        "team-a",
        KeyDomains.plan(root, "team-a").token(),
        new AuditLog.Record(
            Instant.now().toString(),
            "destroy-domain",
            "host",
            "user",
            null,
            List.of(),
            List.of("team-a"),
            "ok",
            null,
            null));
    Fixtures.write(src.resolve("more.bin"), Fixtures.random(1 << 20, 10));
    assertThatThrownBy(() -> Backup.run(repo, BackupOptions.of(src)))
        .hasMessageContaining("was destroyed");
    assertThat(root.list("domains/team-a/snapshots/")).hasSize(1);
  }
}
