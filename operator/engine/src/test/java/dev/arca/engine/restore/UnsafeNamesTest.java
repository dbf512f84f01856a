package dev.arca.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.contract.RestoreReport;
import dev.arca.engine.Fixtures;
import dev.arca.engine.backup.Crafted;
import dev.arca.engine.format.Node;
import dev.arca.engine.repo.Repository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crafted repository can never make a restore write outside its target. */
class UnsafeNamesTest {
  @TempDir Path tmp;

  @Test
  void namesWithParentRefsAbsolutePathsOrSeparatorsAreRefused() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Crafted c = new Crafted(repo);
    byte[] evil = "pwned".getBytes(StandardCharsets.UTF_8);
    Path outside = tmp.resolve("outside.txt");
    List<Node> root =
        List.of(
            c.file("..", evil),
            c.file(".", evil),
            c.file("../outside.txt", evil),
            c.file(outside.toString(), evil),
            c.file("a/b", evil),
            c.dir("..", List.of(c.file("outside.txt", evil))),
            c.file("good.txt", "fine".getBytes(StandardCharsets.UTF_8)),
            c.file("good.txt", evil));
    c.commit(root);

    Path target = tmp.resolve("target");
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", target));

    assertThat(r.damaged()).isTrue();
    assertThat(r.failures()).hasSize(7).allMatch(f -> f.contains("refusing unsafe entry"));
    assertThat(outside).doesNotExist();
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all.filter(Files::isRegularFile).filter(p -> !p.startsWith(tmp.resolve("repo"))))
          .containsExactly(target.resolve("good.txt"));
    }
    assertThat(target.resolve("good.txt")).hasContent("fine");
  }

  @Test
  void existingSymlinkInTargetIsNotFollowed() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Crafted c = new Crafted(repo);
    c.commit(
        List.of(c.dir("d", List.of(c.file("f.txt", "data".getBytes(StandardCharsets.UTF_8))))));
    Path target = Files.createDirectories(tmp.resolve("target"));
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(target.resolve("d"), elsewhere);

    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", target));

    assertThat(r.failures()).isEmpty();
    assertThat(elsewhere.resolve("f.txt")).doesNotExist();
    assertThat(Files.isSymbolicLink(target.resolve("d"))).isFalse();
    assertThat(target.resolve("d/f.txt")).hasContent("data");
  }

  @Test
  void namesStoredAsBytesObeyTheSameRulesAndCannotSpellANameTwice() throws Exception {
    Repository repo = Fixtures.repo(tmp.resolve("repo"));
    Crafted c = new Crafted(repo);
    byte[] evil = "pwned".getBytes(StandardCharsets.UTF_8);
    Node f = c.file("f", evil);
    List<Node> root =
        List.of(
            Crafted.named(f, null, "2e2e"), // ..
            Crafted.named(f, null, "2e"), // .
            Crafted.named(f, null, ""), // empty
            Crafted.named(f, null, "612f62ff"), // a/b\xff
            Crafted.named(f, null, "6100ff"), // NUL
            Crafted.named(f, null, "676f6f642e747874"), // "good.txt", valid UTF-8, spelt as bytes
            Crafted.named(f, null, "FF"), // not lower-case hex
            Crafted.named(f, null, "f"), // not whole bytes
            Crafted.named(f, "x", "ff"), // both fields
            Crafted.named(f, null, null), // neither
            Crafted.named(f, "\udcff", null), // an escaped byte smuggled into name
            Crafted.named(f, null, "ff"), // the first "\xff": kept
            Crafted.named(c.file("g", evil), null, "ff"), // the same name again
            c.file("good.txt", "fine".getBytes(StandardCharsets.UTF_8)),
            Crafted.named(
                c.file("b", "a byte name".getBytes(StandardCharsets.UTF_8)), null, "62ff"));
    c.commit(root);

    Path target = tmp.resolve("target");
    RestoreReport r = Restore.run(repo, RestoreOptions.of("latest", target));

    assertThat(r.damaged()).isTrue();
    assertThat(r.failures())
        .hasSize(12)
        .allMatch(x -> x.contains("refusing unsafe entry"))
        .anyMatch(x -> x.contains("'a/b\\xff' contains a path separator"))
        .anyMatch(x -> x.contains("'good.txt', valid UTF-8, which only name may hold"))
        .anyMatch(x -> x.contains("'\\xff' appears twice in one folder"));
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all.filter(Files::isRegularFile).filter(p -> !p.startsWith(tmp.resolve("repo"))))
          .containsExactlyInAnyOrder(
              target.resolve("good.txt"),
              Fixtures.rawName(target, 0xff),
              Fixtures.rawName(target, 'b', 0xff));
    }
    assertThat(target.resolve("good.txt")).hasContent("fine");
    assertThat(Fixtures.rawName(target, 'b', 0xff)).hasContent("a byte name");
    assertThat(Fixtures.rawName(target, 0xff)).hasContent("pwned");
  }
}
