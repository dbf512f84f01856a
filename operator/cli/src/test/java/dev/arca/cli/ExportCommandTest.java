package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arca export}: the archive contract as the CLI gives it. */
class ExportCommandTest {
  @TempDir Path tmp;

  @Test
  void exportsToAFileThatGnuTarListsAndReportsWhatItWrote() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    Map<String, byte[]> files = repo.writeTree();
    repo.backup();
    Path archive = tmp.resolve("snap.tar.zst");

    JsonNode r =
        repo.json("export", "latest", "--format", "tar.zst", "--output", archive.toString());
    assertThat(r.get("files").asLong()).isEqualTo(files.size());
    assertThat(r.get("bytes").asLong()).isEqualTo(TestRepo.totalBytes(files));

    Process p =
        new ProcessBuilder("tar", "--zstd", "-tf", archive.toString())
            .redirectErrorStream(true)
            .start();
    String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(listing).isZero();
    assertThat(listing.lines()).containsAll(TestRepo.FILES);
    try (var left = Files.list(tmp)) {
      assertThat(left.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("partial"));
    }
  }

  @Test
  void aFailedExportLeavesNoFileAndBadArgumentsAreUsageErrors() throws Exception {
    TestRepo repo = new TestRepo(tmp).init();
    repo.writeTree();
    repo.backup();
    for (Path pack : repo.packs()) {
      byte[] b = Files.readAllBytes(pack);
      b[b.length / 2] ^= 1;
      Files.write(pack, b);
    }
    Path archive = tmp.resolve("bad.tar");
    Cli.Result r = repo.cli("export", "latest", "--output", archive.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    assertThat(archive).doesNotExist();
    try (var left = Files.list(tmp)) {
      assertThat(left.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("partial"));
    }
    Cli.Result fmt =
        repo.cli("export", "latest", "--format", "zip", "--output", archive.toString());
    assertThat(fmt.exitCode()).isEqualTo(2);
    assertThat(fmt.stderr()).contains("use tar or tar.zst");
  }
}
