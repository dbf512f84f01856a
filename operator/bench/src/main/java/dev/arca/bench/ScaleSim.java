package dev.arca.bench;

import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.repo.Repository;
import dev.arca.engine.storage.FileStorage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scale simulation: builds an encrypted {@code file://} repository holding the index of millions of
 * chunks without their data ({@link ScaleGenerator}), for measuring what the real CLI needs to load
 * that index and to prune it; and measures the heap the loaded index takes. See the module's
 * README.md, "Scale simulation".
 *
 * <pre>
 * ARCA_PASSWORD=... java -cp arca-bench.jar dev.arca.bench.ScaleSim generate --repo DIR --chunks 10m
 * ARCA_PASSWORD=... java -cp arca-bench.jar dev.arca.bench.ScaleSim index-heap --repo DIR
 * </pre>
 */
public final class ScaleSim {
  static final String USAGE =
      """
      usage: ScaleSim generate --repo DIR --chunks N [--checkpoints 8] [--forget 2]
                              [--chunks-per-pack 10] [--chunks-per-file 1024] [--seed 42]
             ScaleSim index-heap --repo DIR
      N takes k, m suffixes (thousands, millions). The password comes from ARCA_PASSWORD.
      """;

  private ScaleSim() {}

  /** Entry point; exits 0 on success, 2 on a bad command line, 1 on failure. */
  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    if (args.length == 0 || args.length % 2 == 0) {
      usage("");
    }
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        usage("unexpected " + args[i]);
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    String password = System.getenv("ARCA_PASSWORD");
    if (password == null || password.isEmpty() || !o.containsKey("repo")) {
      usage("--repo DIR and ARCA_PASSWORD are required");
    }
    Path root = Path.of(o.get("repo")).toAbsolutePath();
    switch (args[0]) {
      case "generate" -> generate(root, password.toCharArray(), o);
      case "index-heap" -> indexHeap(root, password.toCharArray());
      default -> usage("unknown command " + args[0]);
    }
  }

  private static void usage(String why) {
    if (!why.isEmpty()) {
      System.err.println("ScaleSim: " + why);
    }
    System.err.print(USAGE);
    System.exit(2);
  }

  private static void generate(Path root, char[] password, Map<String, String> o) throws Exception {
    if (Files.exists(root) && Files.list(root).findAny().isPresent()) {
      usage(root + " is not empty");
    }
    ScaleLayout layout =
        ScaleLayout.of(
            count(o.getOrDefault("chunks", "1m")),
            Integer.parseInt(o.getOrDefault("checkpoints", "8")),
            Integer.parseInt(o.getOrDefault("chunks-per-pack", "10")),
            Long.parseLong(o.getOrDefault("seed", "42")));
    int forget = Integer.parseInt(o.getOrDefault("forget", "2"));
    int perFile = Integer.parseInt(o.getOrDefault("chunks-per-file", "1024"));
    Files.createDirectories(root);
    Repository repo =
        Repository.init(new FileStorage(root), password, Repository.InitOptions.defaults());
    ScaleGenerator g = new ScaleGenerator(repo, root, layout, perFile);
    long t0 = System.nanoTime();
    int indexObjects = g.writeDataIndex();
    long t1 = System.nanoTime();
    List<String> snapshots = g.writeSnapshots(forget);
    long t2 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "%s: %,d chunks (%d checkpoints of %,d pieces, 1 in %d frozen), %,d data packs"
            + " (sparse), %d index objects in %.1f s; trees and %d snapshots (%d forgotten)"
            + " in %.1f s%n",
        root,
        layout.distinct(),
        layout.checkpoints(),
        layout.perCheckpoint(),
        ScaleLayout.FROZEN_EVERY,
        layout.packs(),
        indexObjects,
        (t1 - t0) / 1e9,
        snapshots.size(),
        forget,
        (t2 - t1) / 1e9);
  }

  private static void indexHeap(Path root, char[] password) {
    Repository repo = Repository.open(new FileStorage(root), password);
    long before = usedAfterGc();
    long t0 = System.nanoTime();
    BlobIndex index = repo.loadIndex();
    long t1 = System.nanoTime();
    long after = usedAfterGc();
    System.out.printf(
        Locale.ROOT,
        "%,d entries loaded in %.1f s; heap %,d bytes after a full GC (%.1f bytes per entry),"
            + " %,d before the load%n",
        index.size(),
        (t1 - t0) / 1e9,
        after - before,
        (after - before) / (double) index.size(),
        before);
  }

  private static long usedAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      memory.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static long count(String s) {
    String t = s.toLowerCase(Locale.ROOT);
    long unit =
        t.endsWith("k")
            ? 1_000L
            : t.endsWith("m") ? 1_000_000L : t.endsWith("g") ? 1_000_000_000L : 1;
    return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
  }
}
