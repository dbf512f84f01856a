package dev.arca.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A repository and a small source tree under one temporary folder, and shortcuts to run arca
 * against them with {@code --repo} and {@code --password-file}.
 */
final class TestRepo {
  /** Relative paths (inside the snapshot) of the files {@link #writeTree} creates. */
  static final List<String> FILES =
      List.of("src/a.txt", "src/empty.txt", "src/sub/b.bin", "src/sub/deeper/c.dat");

  /** Folders {@link #writeTree} creates, the backed-up folder included. */
  static final int DIRS = 3;

  final Path dir;
  final Path repoDir;
  final String url;
  final Path passwordFile;
  final String password;
  final Path source;

  TestRepo(Path dir) {
    this(dir, "test-pw-" + Long.toHexString(new Random().nextLong()));
  }

  TestRepo(Path dir, String password) {
    this.dir = dir;
    this.repoDir = dir.resolve("repo");
    this.url = repoDir.toUri().toString();
    this.password = password;
    this.passwordFile = dir.resolve("password.txt");
    this.source = dir.resolve("src");
    write(passwordFile, (password + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Creates the repository with a cheap key derivation and asserts success. */
  TestRepo init() {
    Cli.Result r = cli("init", "--kdf-cost", "1024");
    assertThat(r.exitCode()).as("%s", r).isZero();
    return this;
  }

  /** Runs {@code arca command rest... --repo URL --password-file FILE} in-process. */
  Cli.Result cli(String command, String... rest) {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.addAll(List.of(rest));
    args.addAll(List.of("--repo", url, "--password-file", passwordFile.toString()));
    return Cli.run(args.toArray(String[]::new));
  }

  /** Runs the command with {@code --json}, asserts exit code 0 and returns the JSON object. */
  JsonNode json(String command, String... rest) {
    List<String> args = new ArrayList<>(List.of(rest));
    args.add("--json");
    Cli.Result r = cli(command, args.toArray(String[]::new));
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r.json();
  }

  /** Backs up the source tree with {@code --json} and returns the result object. */
  JsonNode backup(String... options) {
    List<String> args = new ArrayList<>(List.of(options));
    args.add(source.toString());
    return json("backup", args.toArray(String[]::new));
  }

  /** Writes the small source tree; returns its files' contents by snapshot path. */
  Map<String, byte[]> writeTree() {
    Random rnd = new Random(7);
    byte[] big = new byte[200_000];
    rnd.nextBytes(big);
    byte[] small = new byte[5_000];
    rnd.nextBytes(small);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("src/a.txt", "hello arca\n".getBytes(StandardCharsets.UTF_8));
    files.put("src/empty.txt", new byte[0]);
    files.put("src/sub/b.bin", big);
    files.put("src/sub/deeper/c.dat", small);
    files.forEach((rel, bytes) -> write(dir.resolve(rel), bytes));
    return files;
  }

  static long totalBytes(Map<String, byte[]> files) {
    return files.values().stream().mapToLong(b -> b.length).sum();
  }

  /** Files under the repository's {@code data/} folder (packs), largest first. */
  List<Path> packs() {
    try (Stream<Path> s = Files.walk(repoDir.resolve("data"))) {
      return s.filter(Files::isRegularFile)
          .sorted((a, b) -> Long.compare(size(b), size(a)))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files directly in {@code dir}, sorted. */
  static List<Path> objects(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Flips one bit in the middle of {@code file}: a damaged object. */
  static void flip(Path file) {
    byte[] b = read(file);
    b[b.length / 2] ^= 0x40;
    write(file, b);
  }

  /** The storage key of a file under the repository folder, e.g. {@code data/ab/ab12...}. */
  String key(Path file) {
    return repoDir.relativize(file).toString().replace('\\', '/');
  }

  static void write(Path p, byte[] bytes) {
    try {
      Files.createDirectories(p.getParent());
      Files.write(p, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] bytes) {
    return dev.arca.samples.TreeDigest.sha256(bytes);
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
