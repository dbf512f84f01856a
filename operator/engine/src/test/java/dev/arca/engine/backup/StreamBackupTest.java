package dev.arca.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.contract.BackupReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.export.FileExport;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams (command output) stored as files of a snapshot, next to folders, and read back. */
class StreamBackupTest {
  @TempDir Path tmp;

  /** A stream of fixed bytes whose command "exits" with {@code status}. */
  record Bytes(String path, byte[] content, int status) implements StreamSource {
    @Override
    public Running start() {
      InputStream in = new ByteArrayInputStream(content);
      return new Running() {
        @Override
        public InputStream output() {
          return in;
        }

        @Override
        public void finish() {
          if (status != 0) {
            throw new ArcaException(ArcaException.Kind.ERROR, "exited with status " + status);
          }
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void aStreamAndAFolderLandInOneSnapshotAndComeBackByteForByte() throws Exception {
    Path data =
        Fixtures.write(tmp.resolve("volume/weights.bin"), Fixtures.random(300_000, 1)).getParent();
    byte[] dump = Fixtures.random(5 << 20, 2);
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    BackupReport r =
        Backup.run(
            repo,
            BackupOptions.of(data)
                .withStreams(
                    List.of(
                        new Bytes("db/app.sql", dump, 0),
                        new Bytes("db/empty.sql", new byte[0], 0))));
    assertThat(r.files()).isEqualTo(3);

    Snapshots.Ref snap = Snapshots.resolve(repo, r.snapshotId(), null, w -> {});
    assertThat(snap.snapshot().paths())
        .containsExactly(data.toString(), "stream:db/app.sql", "stream:db/empty.sql");
    var index = repo.loadIndex();
    Node file = FileExport.find(repo, index, snap, "db/app.sql");
    assertThat(file.size()).isEqualTo(dump.length);
    assertThat(file.mode()).isEqualTo(0600);
    assertThat(file.sha256()).isEqualTo(Hex.of(ChunkIds.sha256().digest(dump)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(FileExport.write(repo, index, "db/app.sql", file, out)).isEqualTo(dump.length);
    assertThat(out.toByteArray()).isEqualTo(dump);

    // a plain restore writes the stream as a file, next to the folder
    Path target = tmp.resolve("restored");
    Restore.run(repo, RestoreOptions.of(r.snapshotId(), target));
    assertThat(Files.readAllBytes(target.resolve("db/app.sql"))).isEqualTo(dump);
    assertThat(Files.size(target.resolve("db/empty.sql"))).isZero();
    assertThat(Fixtures.sha256(target.resolve("volume/weights.bin")))
        .isEqualTo(Fixtures.sha256(data.resolve("weights.bin")));
  }

  @Test
  void aFailingCommandFailsTheBackupAndSavesNoSnapshot() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    byte[] partial = Fixtures.random(1 << 20, 3);
    assertThatThrownBy(
            () ->
                Backup.run(
                    repo,
                    BackupOptions.of().withStreams(List.of(new Bytes("app.sql", partial, 2)))))
        .hasMessageContaining("exited with status 2");
    assertThat(Snapshots.list(repo).readable()).isEmpty();
  }

  @Test
  void aDumpThatChangedInOnePlaceSharesMostChunksWithTheLastOne() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    byte[] first = Fixtures.random(32 << 20, 4);
    BackupReport one =
        Backup.run(repo, BackupOptions.of().withStreams(List.of(new Bytes("app.sql", first, 0))));
    byte[] second = first.clone();
    int changed = 16 << 20;
    System.arraycopy(Fixtures.random(4096, 5), 0, second, changed, 4096);
    BackupReport r =
        Backup.run(repo, BackupOptions.of().withStreams(List.of(new Bytes("app.sql", second, 0))));
    // The repository's chunker is keyed, so where chunks end differs from run to run: new data is
    // bounded by the chunk that held the change and the two after it (cuts find their old places
    // again within a chunk or two), whatever their sizes, not by a fixed share of the file.
    long bound = 0;
    long offset = 0;
    int after = -1;
    for (var c : Fixtures.chunks(repo, one.snapshotId(), "app.sql")) {
      if (after < 0 && offset + c.rawLength() > changed) {
        after = 0;
      }
      if (after >= 0 && after++ < 3) {
        bound += c.rawLength();
      }
      offset += c.rawLength();
    }
    assertThat(r.newBytes()).isPositive().isLessThanOrEqualTo(bound);
    assertThat(bound).isLessThan(first.length / 2);
  }

  @Test
  void badStreamPathsAreRefusedBeforeAnythingRuns() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("db"));
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    for (String bad : List.of("/abs.sql", "db/../x.sql", "dir/", "")) {
      assertThatThrownBy(
              () ->
                  Backup.run(
                      repo,
                      BackupOptions.of().withStreams(List.of(new Bytes(bad, new byte[1], 0)))))
          .isInstanceOf(ArcaException.class)
          .hasMessageContaining("stream path");
    }
    assertThatThrownBy(
            () ->
                Backup.run(
                    repo,
                    BackupOptions.of(data)
                        .withStreams(List.of(new Bytes("db/app.sql", new byte[1], 0)))))
        .hasMessageContaining("the name of a backup PATH");
    assertThatThrownBy(
            () ->
                Backup.run(
                    repo,
                    BackupOptions.of()
                        .withStreams(
                            List.of(
                                new Bytes("x/a.sql", new byte[1], 0),
                                new Bytes("x/a.sql/b", new byte[1], 0)))))
        .hasMessageContaining("collide");
    assertThat(Snapshots.list(repo).readable()).isEmpty();
  }
}
