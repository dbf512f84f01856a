package dev.arca.engine.restore;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.fs.Metadata;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.FileStorage;
import dev.arca.engine.storage.Storage;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup then restore of a tree holding every kind of entry a user has, compared in full. */
public class RoundTripTest {
  @TempDir Path tmp;
  Path src;
  Repository repo;

  /** The store the repository lives in; the integration tier runs this suite on MinIO. */
  protected Storage newStorage(Path dir) throws Exception {
    return new FileStorage(dir);
  }

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    repo = Fixtures.repo(newStorage(tmp.resolve("repo")));
    write(src.resolve("small.txt"), "hello\n");
    write(src.resolve("empty"), new byte[0]);
    write(src.resolve("random-12m.bin"), random(12 << 20, 1));
    write(src.resolve("text/log.jsonl"), "{\"k\":\"some repeated text\"}\n".repeat(50_000));
    Fixtures.safetensors(
        src.resolve("models/m.safetensors"),
        new int[] {3 << 20, 1000, 2000, (5 << 20) + 17},
        new long[] {1, 2, 3, 4});
    write(src.resolve("données/模型 权重.bin"), random(300_000, 2));
    write(src.resolve("with space/emoji 🚀.json"), "{}");
    Files.createDirectories(src.resolve("empty-dir/nested-empty"));
    Files.createSymbolicLink(src.resolve("link-rel"), Path.of("small.txt"));
    Files.createSymbolicLink(src.resolve("link-abs"), Path.of("/nonexistent/target"));
    Files.createSymbolicLink(src.resolve("link-dir"), Path.of("text"));
    Path exec = write(src.resolve("bin/run.sh"), "#!/bin/sh\necho hi\n");
    Files.setAttribute(exec, "unix:mode", 0755);
    Files.setAttribute(src.resolve("small.txt"), "unix:mode", 0640);
    Files.setAttribute(src.resolve("données/模型 权重.bin"), "unix:mode", 0400);
    Files.setAttribute(src.resolve("bin"), "unix:mode", 02775);
    Fixtures.setMtime(src.resolve("random-12m.bin"), 1_600_000_000L, 123_456_789);
    Fixtures.setMtime(src.resolve("empty-dir/nested-empty"), 1_500_000_000L, 987_654_321);
  }

  @Test
  void restoresEveryKindOfEntryByteForByteWithMetadata() throws Exception {
    BackupReport b = Backup.run(repo, BackupOptions.of(src));
    assertThat(b.files()).isEqualTo(8);
    assertThat(b.mode()).isEqualTo("full");

    Path target = tmp.resolve("target");
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(r.failures()).isEmpty();
    assertThat(r.files()).isEqualTo(8);
    assertThat(r.symlinks()).isEqualTo(3);
    Fixtures.assertSameTree(src, target.resolve("src"));
    assertThat(Files.readSymbolicLink(target.resolve("src/link-abs")))
        .isEqualTo(Path.of("/nonexistent/target"));
  }

  @Test
  void skipsAndCountsFifosSocketsAndDevices() throws Exception {
    Path fifo = src.resolve("text/pipe");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(p.waitFor()).isZero();
    // A character device too, where this process may make one (root with CAP_MKNOD).
    Process mknod =
        new ProcessBuilder("mknod", src.resolve("text/null").toString(), "c", "1", "3")
            .redirectErrorStream(true)
            .start();
    mknod.getInputStream().readAllBytes();
    int devices = mknod.waitFor() == 0 ? 1 : 0;
    try (ServerSocketChannel sock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      sock.bind(UnixDomainSocketAddress.of(src.resolve("text/sock")));
      BackupReport b = Backup.run(repo, BackupOptions.of(src));
      assertThat(b.skippedSpecial()).isEqualTo(2 + devices);
    }
    Path target = tmp.resolve("target");
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(r.failures()).isEmpty();
    assertThat(target.resolve("src/text/pipe")).doesNotExist();
    assertThat(target.resolve("src/text/sock")).doesNotExist();
    assertThat(target.resolve("src/text/null")).doesNotExist();
    Fixtures.assertSameTree(src, target.resolve("src"));
  }

  @Test
  void restoresOwnersWhenRunAsRoot() throws Exception {
    Assumptions.assumeTrue(Metadata.canRestoreOwners(), "owners are restored only as root");
    Files.setAttribute(src.resolve("small.txt"), "unix:uid", 1234);
    Files.setAttribute(src.resolve("small.txt"), "unix:gid", 5678);
    Files.setAttribute(src.resolve("link-rel"), "unix:uid", 4321, LinkOption.NOFOLLOW_LINKS);
    Backup.run(repo, BackupOptions.of(src));
    Path target = tmp.resolve("target");
    Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(Files.getAttribute(target.resolve("src/small.txt"), "unix:uid")).isEqualTo(1234);
    assertThat(Files.getAttribute(target.resolve("src/small.txt"), "unix:gid")).isEqualTo(5678);
    assertThat(
            Files.getAttribute(
                target.resolve("src/link-rel"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(4321);
  }

  @Test
  void partialRestoreBringsBackOnlyWhatMatches() throws Exception {
    Backup.run(repo, BackupOptions.of(src));
    Path target = tmp.resolve("target");
    RestoreReport r =
        Restore.run(
            repo,
            RestoreOptions.of("latest", target).withIncludes(List.of("src/models", "*.jsonl")));
    assertThat(r.failures()).isEmpty();
    assertThat(r.files()).isEqualTo(2);
    assertThat(Fixtures.sha256(target.resolve("src/models/m.safetensors")))
        .isEqualTo(Fixtures.sha256(src.resolve("models/m.safetensors")));
    assertThat(target.resolve("src/text/log.jsonl")).exists();
    assertThat(target.resolve("src/small.txt")).doesNotExist();
    assertThat(target.resolve("src/empty-dir")).doesNotExist();
  }

  @Test
  void backupFiltersLeaveOutExcludedPaths() throws Exception {
    BackupReport b =
        Backup.run(
            repo, BackupOptions.of(src).withFilters(List.of(), List.of("*.bin", "src/text")));
    assertThat(b.files()).isEqualTo(5);
    Path target = tmp.resolve("target");
    Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(target.resolve("src/random-12m.bin")).doesNotExist();
    assertThat(target.resolve("src/text")).doesNotExist();
    assertThat(target.resolve("src/models/m.safetensors")).exists();
  }

  @Test
  void severalPathsBecomeEntriesNamedByTheirBaseNames() throws Exception {
    Path other = write(tmp.resolve("other/notes.md"), "# notes").getParent();
    Backup.run(repo, BackupOptions.of(src, other));
    Path target = tmp.resolve("target");
    Restore.run(repo, RestoreOptions.of("latest", target));
    assertThat(target.resolve("other/notes.md")).hasContent("# notes");
    Fixtures.assertSameTree(src, target.resolve("src"));
  }
}
