package dev.arca.cli;

import dev.arca.contract.BackupReport;
import dev.arca.contract.RestoreReport;
import dev.arca.engine.ArcaException;
import dev.arca.engine.backup.Backup;
import dev.arca.engine.backup.BackupOptions;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.repo.Snapshots;
import dev.arca.engine.restore.Restore;
import dev.arca.engine.restore.RestoreOptions;
import dev.arca.engine.storage.FileStorage;
import dev.arca.samples.LlmTrees;
import dev.arca.samples.TreeDigest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code arca demo}: a local backup and restore of a small LLM-like tree, end to end. */
@Command(
    mixinStandardHelpOptions = true,
    header = "Back up and restore a small LLM-like tree locally, end to end.",
    name = "demo",
    description = {
      "Build a small LLM-like tree (safetensors shards, tokenizer, jsonl dataset, SQL dump), back",
      "it up to a file:// repository, change it as a day of training would, back up again,",
      "restore it in full and one folder partially, and check every file's SHA-256."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", description = "Work here (default: a temp folder).")
  Path dir;

  @Option(names = "--keep", description = "Keep the work folder afterwards.")
  boolean keep;

  @Option(names = "--json", description = "Print exactly one JSON object on stdout.")
  boolean json;

  private PrintWriter out;
  private final Map<String, Object> report = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Path work =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("arca-demo-");
    try {
      return run(work);
    } finally {
      if (!keep && dir == null) {
        deleteTree(work);
      }
    }
  }

  private int run(Path work) throws Exception {
    Path source = work.resolve("llm-data");
    Path repoDir = work.resolve("repo");
    if (Files.exists(source) || Files.exists(repoDir)) {
      throw ArcaException.usage("--dir " + work + " already holds a demo; give an empty folder");
    }
    long t = System.nanoTime();
    LlmTrees.demo(source, 42);
    say("1. wrote an LLM-like tree in %s (%s) in %s", source, size(source), since(t));

    byte[] pw = new byte[18];
    new SecureRandom().nextBytes(pw);
    char[] password = Base64.getEncoder().encodeToString(pw).toCharArray();
    t = System.nanoTime();
    Repository repo =
        Repository.init(new FileStorage(repoDir), password, Repository.InitOptions.defaults());
    say("2. created encrypted repository %s in %s", repo.storage().describe(), since(t));

    BackupReport b1 = Backup.run(repo, BackupOptions.of(source));
    say(
        "3. first backup (%s): %d files, %s read, %s stored, in %.1f s",
        b1.mode(),
        b1.files(),
        Output.bytes(b1.bytes()),
        Output.bytes(b1.storedBytes()),
        b1.durationMs() / 1000.0);
    report.put("firstBackup", b1);

    t = System.nanoTime();
    LlmTrees.train(source, 43);
    say(
        "4. a day of training: rewrote one tensor, added checkpoints/step-1000 and 20 dataset"
            + " files, in %s",
        since(t));

    BackupReport b2 = Backup.run(repo, BackupOptions.of(source));
    say(
        "5. second backup (%s): %d files, %d unchanged files not read, %s new, %s stored, in %.1f"
            + " s",
        b2.mode(),
        b2.files(),
        b2.unchangedFiles(),
        Output.bytes(b2.newBytes()),
        Output.bytes(b2.storedBytes()),
        b2.durationMs() / 1000.0);
    report.put("secondBackup", b2);

    List<Snapshots.Ref> snaps = Snapshots.list(repo).readable();
    say("6. %d snapshots:", snaps.size());
    for (Snapshots.Ref s : snaps) {
      say("   %s  %s  %s", s.id().substring(0, 12), s.snapshot().time(), s.snapshot().mode());
    }

    Path full = work.resolve("restore-full");
    RestoreReport r1 = Restore.run(repo, RestoreOptions.of("latest", full));
    int checked = compare(source, full.resolve("llm-data"));
    say(
        "7. full restore: %d files, %s in %.1f s; %d files compared by SHA-256",
        r1.files(), Output.bytes(r1.bytes()), r1.durationMs() / 1000.0, checked);
    report.put("fullRestore", r1);

    Path part = work.resolve("restore-partial");
    RestoreReport r2 =
        Restore.run(
            repo,
            RestoreOptions.of("latest", part)
                .withIncludes(List.of("llm-data/checkpoints/step-1000")));
    int checked2 = compare(source.resolve("checkpoints"), part.resolve("llm-data/checkpoints"));
    try (Stream<Path> s = Files.list(part.resolve("llm-data"))) {
      if (s.count() != 1) {
        throw new IllegalStateException("partial restore brought back more than it was asked for");
      }
    }
    say(
        "8. partial restore of llm-data/checkpoints/step-1000: %d files in %.1f s; %d compared",
        r2.files(), r2.durationMs() / 1000.0, checked2);
    report.put("partialRestore", r2);

    int total = checked + checked2;
    report.put("filesCompared", total);
    report.put("allMatched", true);
    say("All %d restored files matched their SHA-256.", total);
    if (json) {
      Output.json(out, report);
    }
    return 0;
  }

  /**
   * Compares the regular files under {@code a} and {@code b} by path and SHA-256; returns how many
   * there are.
   */
  private static int compare(Path a, Path b) throws IOException {
    Map<String, String> source = TreeDigest.of(a);
    List<String> differences = TreeDigest.differences(source, TreeDigest.of(b), 5);
    if (!differences.isEmpty()) {
      throw new IllegalStateException(
          "restored files differ from the source under " + b + ": " + differences);
    }
    return source.size();
  }

  private void say(String fmt, Object... args) {
    if (!json) {
      out.println(String.format(fmt, args));
      out.flush();
    }
  }

  private static String since(long t0) {
    return String.format("%.1f s", (System.nanoTime() - t0) / 1e9);
  }

  private static String size(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return Output.bytes(s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum());
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
