package dev.arca.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's layering, read from its sources: each sub-package refers (by import or by full name,
 * comments aside) only to the sub-packages listed for it here, and to the root package ({@code
 * ArcaException}, {@code Progress}). Bottom up: {@code crypto}; {@code format}; {@code chunk} and
 * {@code fs}; {@code checkpoint} (for backups); {@code storage}; {@code runtime}; {@code repo}; the
 * use cases. A new sub-package must be added here to build.
 */
class LayeringTest {
  private static final Set<String> BELOW_REPO =
      Set.of("crypto", "format", "chunk", "fs", "storage");
  private static final Set<String> USE_CASE = union(BELOW_REPO, Set.of("repo"));

  private static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("", Set.of()),
          Map.entry("crypto", Set.of()),
          Map.entry("format", Set.of("crypto")),
          Map.entry("chunk", Set.of("format")),
          Map.entry("fs", Set.of("crypto", "format")),
          Map.entry("checkpoint", Set.of("format", "chunk", "fs")),
          Map.entry("storage", Set.of("fs")),
          Map.entry("runtime", Set.of("crypto", "format")),
          Map.entry("repo", union(BELOW_REPO, Set.of("runtime"))),
          Map.entry("backup", union(USE_CASE, Set.of("checkpoint"))),
          Map.entry("restore", USE_CASE),
          Map.entry("export", USE_CASE),
          Map.entry("verify", USE_CASE),
          Map.entry("prune", USE_CASE),
          Map.entry("forget", union(USE_CASE, Set.of("prune"))),
          Map.entry("repair", union(USE_CASE, Set.of("backup", "forget"))),
          Map.entry("copy", union(USE_CASE, Set.of("backup", "export"))),
          Map.entry("rewrite", union(USE_CASE, Set.of("backup", "export", "forget"))));

  private static final Pattern REFERENCE = Pattern.compile("dev\\.arca\\.engine\\.([a-z0-9]+)\\.");
  private static final Path SOURCES = Path.of("src/main/java/dev/arca/engine");

  @Test
  void subPackagesReferOnlyToTheLayersBelowThem() throws IOException {
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = topPackage(f);
        Set<String> allowed = ALLOWED.get(pkg);
        if (allowed == null) {
          wrong.add(f + ": package '" + pkg + "' has no place in the layering");
          continue;
        }
        for (String used : references(f)) {
          if (!used.equals(pkg) && !allowed.contains(used)) {
            wrong.add(f + " refers to " + used);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void cryptoDependsOnNothingElseOfTheEngine() throws IOException {
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES.resolve("crypto"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        used.addAll(references(f));
      }
    }
    used.remove("crypto");
    assertThat(used).isEmpty();
  }

  /** The sub-package directly below {@code dev.arca.engine} a source file is in ("" for none). */
  private static String topPackage(Path file) {
    Path rel = SOURCES.relativize(file);
    return rel.getNameCount() == 1 ? "" : rel.getName(0).toString();
  }

  /** Sub-packages of the engine a source file names outside comments. */
  private static Set<String> references(Path file) throws IOException {
    Set<String> out = new TreeSet<>();
    for (String line : Files.readAllLines(file)) {
      String t = line.trim();
      if (t.startsWith("package ")
          || t.startsWith("*")
          || t.startsWith("/*")
          || t.startsWith("//")) {
        continue;
      }
      Matcher m = REFERENCE.matcher(line);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new TreeSet<>(a);
    u.addAll(b);
    return Set.copyOf(u);
  }
}
