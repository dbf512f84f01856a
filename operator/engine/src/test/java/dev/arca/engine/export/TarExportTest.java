package dev.arca.engine.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arca.engine.ArcaException;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.FileStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports extract with the system's GNU tar into exactly the tree that was backed up. */
class TarExportTest {
  @TempDir Path tmp;
  Path src;
  Repository repo;

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    Fixtures.write(src.resolve("config.json"), "{\"hidden_size\": 4096}\n");
    Fixtures.write(src.resolve("weights/shard-1.bin"), Fixtures.random(12 << 20, 1));
    Fixtures.write(
        src.resolve("dataset/ünïcödé name with spaces.jsonl"), "{\"a\":1}\n".repeat(1000));
    String longName = "a-very-long-file-name-".repeat(8) + "end.txt"; // well over 100 bytes
    Fixtures.write(src.resolve("dataset/" + longName), "long\n");
    Fixtures.write(src.resolve("empty.bin"), new byte[0]);
    Files.createDirectories(src.resolve("empty-dir"));
    Files.createSymbolicLink(src.resolve("latest"), Path.of("weights/shard-1.bin"));
    Path script = Fixtures.write(src.resolve("run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
    Fixtures.setMtime(src.resolve("config.json"), 1_700_000_000L, 123_456_789);
    Fixtures.setMtime(src.resolve("empty-dir"), 1_600_000_000L, 987_654_321);
    repo = Fixtures.repo(tmp.resolve("repo"));
    Backup.run(repo, BackupOptions.of(src));
  }

  private Path export(ExportOptions.Format format, List<String> includes, String name)
      throws IOException {
    Path archive = tmp.resolve(name);
    try (OutputStream out = Files.newOutputStream(archive)) {
      TarExport.run(repo, new ExportOptions("latest", null, includes, format), out, w -> {});
    }
    return archive;
  }

  private static void gnuTar(Path dir, String... args) throws Exception {
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder("tar");
    pb.command().addAll(List.of(args));
    Process p = pb.directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("tar %s: %s", String.join(" ", args), out).isZero();
  }

  @Test
  void tarExtractsWithGnuTarIntoTheSameTree() throws Exception {
    Path archive = export(ExportOptions.Format.TAR, List.of(), "snap.tar");
    Path out = tmp.resolve("out-tar");
    gnuTar(out, "-xpf", archive.toString());
    assertSameTree(src, out.resolve("src"));
  }

  /**
   * Trees equal down to mtimes in 100 ns steps: commons-compress writes pax mtimes with seven
   * decimals.
   */
  private static void assertSameTree(Path expected, Path actual) throws IOException {
    assertThat(to100ns(Fixtures.describe(actual))).isEqualTo(to100ns(Fixtures.describe(expected)));
  }

  private static java.util.Map<String, String> to100ns(java.util.Map<String, String> tree) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    tree.forEach(
        (k, v) ->
            out.put(
                k,
                v.replaceAll("(mtime=[^ ]*\\.\\d{1,7})\\d*Z", "$1Z")
                    .replaceAll("(mtime=[^ ]*\\.\\d*?)0+Z", "$1Z")));
    return out;
  }

  @Test
  void pathsThatAreNotUtf8ExtractByteForByte() throws Exception {
    Path dir = Files.createDirectories(Fixtures.rawName(src, 'd', 0xfe));
    Fixtures.write(Fixtures.rawName(dir, 'a', 0xff, 'b'), "Latin-1 name in a Latin-1 folder");
    Fixtures.write(Fixtures.rawName(dir, 'x', 0xff), "x and ff");
    Fixtures.write(dir.resolve("x\uFFFD"), "x and a real replacement character");
    Fixtures.write(Fixtures.rawName(src, 'z', 0xe9), "é in Latin-1, and a long name".repeat(9));
    Fixtures.setMtime(dir, 1_500_000_000L, 0);
    Backup.run(repo, BackupOptions.of(src));

    Path archive = export(ExportOptions.Format.TAR, List.of(), "raw.tar");
    Path out = tmp.resolve("out-raw");
    gnuTar(out, "-xpf", archive.toString());

    assertSameTree(src, out.resolve("src"));
  }

  @Test
  void tarZstExtractsWithGnuTarIntoTheSameTree() throws Exception {
    Path archive = export(ExportOptions.Format.TAR_ZST, List.of(), "snap.tar.zst");
    assertThat(Files.size(archive))
        .isLessThan(Files.size(export(ExportOptions.Format.TAR, List.of(), "plain.tar")));
    Path out = tmp.resolve("out-zst");
    gnuTar(out, "--zstd", "-xpf", archive.toString());
    assertSameTree(src, out.resolve("src"));
  }

  @Test
  void includeExportsOnlyMatchingPathsAndTheirFolders() throws Exception {
    Path archive = export(ExportOptions.Format.TAR, List.of("src/dataset/**"), "part.tar");
    Path out = tmp.resolve("out-part");
    gnuTar(out, "-xpf", archive.toString());
    try (var files = Files.walk(out)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()))
          .hasSize(2)
          .allMatch(p -> p.startsWith("src/dataset/"));
    }
    assertThatThrownBy(() -> export(ExportOptions.Format.TAR, List.of("nothing/**"), "none.tar"))
        .isInstanceOf(ArcaException.class)
        .hasMessageContaining("matches the --include");
  }

  @Test
  void damagedDataFailsTheExportLoudly() throws Exception {
    FileStorage fs = new FileStorage(tmp.resolve("repo"));
    for (var o : fs.list("data/")) {
      Path p = fs.root().resolve(o.key());
      byte[] b = Files.readAllBytes(p);
      b[b.length / 3] ^= 0x55;
      Files.write(p, b);
    }
    assertThatThrownBy(() -> export(ExportOptions.Format.TAR, List.of(), "bad.tar"))
        .isInstanceOf(ArcaException.class);
  }

  @Test
  void entriesOverEightGibibytesGetAPaxSizeThatGnuTarReads() throws Exception {
    // Only the header matters here: GNU tar lists the entry before it notices the missing data.
    Path archive = tmp.resolve("big.tar");
    long size = 9L << 30;
    try (OutputStream raw = Files.newOutputStream(archive)) {
      TarArchiveOutputStream tar = TarExport.newTar(raw);
      TarArchiveEntry e = new TarArchiveEntry("model/huge.safetensors");
      e.setSize(size);
      tar.putArchiveEntry(e);
      tar.write(new byte[4096]);
      tar.flush();
    }
    Process p =
        new ProcessBuilder("tar", "-tvf", archive.toString()).redirectErrorStream(true).start();
    String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    assertThat(listing).contains(String.valueOf(size)).contains("model/huge.safetensors");
  }
}
