package dev.arca.engine.restore;

import static dev.arca.engine.Fixtures.random;
import static dev.arca.engine.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partial restore reads only the folders its includes can reach. */
class PartialRestoreTest {
  @TempDir Path tmp;

  @Test
  void oneFileRestoresWhileAnUnrelatedFolderListingIsDamaged() throws Exception {
    Path src = tmp.resolve("src");
    byte[] weights = random(300_000, 1);
    write(src.resolve("model/a.safetensors"), weights);
    for (int i = 0; i < 20; i++) {
      write(src.resolve("data/part-" + i + ".jsonl"), random(2_000, 10 + i));
    }
    Path repoDir = tmp.resolve("repo");
    Repository repo = Fixtures.repo(repoDir);
    Backup.run(repo, BackupOptions.of(src));

    // damage the listing of data/: a byte of its tree blob, inside its pack
    BlobIndex index = repo.loadIndex();
    Node root =
        repo.readTree(index, Snapshots.resolve(repo, "latest", null, w -> {}).snapshot().tree())
            .nodes()
            .get(0);
    Node data =
        repo.readTree(index, root.subtree()).nodes().stream()
            .filter(n -> n.name().equals("data"))
            .findFirst()
            .orElseThrow();
    BlobIndex.Location tree = index.get(Hex.parse(data.subtree()));
    try (FileChannel ch =
        FileChannel.open(
            repoDir.resolve(tree.packKey()), StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, tree.offset() + 20);
      b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
      ch.write(b, tree.offset() + 20);
    }

    Path target = tmp.resolve("t");
    RestoreReport r =
        Restore.run(
            repo,
            RestoreOptions.of("latest", target).withIncludes(List.of("src/model/a.safetensors")));

    assertThat(r.failures()).isEmpty();
    assertThat(r.files()).isEqualTo(1);
    assertThat(Files.readAllBytes(target.resolve("src/model/a.safetensors"))).isEqualTo(weights);
    assertThat(target.resolve("src/data")).doesNotExist();

    // a full restore does read it, and says which folder it could not list
    RestoreReport full = Restore.run(repo, RestoreOptions.of("latest", tmp.resolve("all")));
    assertThat(full.failures()).anyMatch(f -> f.startsWith("src/data: folder listing unreadable"));
  }
}
